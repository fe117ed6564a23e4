/** The report's only stylesheet, inlined into every page (no external fonts, no CDN). */
export const REPORT_CSS = `
:root {
  --fg: #1f2933; --muted: #52606d; --faint: #7b8794; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff;
  --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2; --skip: #6b7280; --skip-bg: #f1f5f9;
  --warn: #b45309; --warn-bg: #fef3c7; --info: #1d4ed8; --info-bg: #dbeafe; --accent: #2563eb;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
code { background: #f1f5f9; padding: 1px 4px; border-radius: 3px; }
main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
header.report { background: #1f2933; color: #f5f7fa; padding: 22px 0 20px; margin-bottom: 24px; }
header.report .inner { max-width: 1240px; margin: 0 auto; padding: 0 24px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
header.report h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header.report .sub { color: #cbd2d9; font-size: 13px; margin-top: 2px; }
header.report .sub a { color: #9ec5fe; }
header.report code { background: rgba(255,255,255,0.12); color: #f5f7fa; }
header.report .titles { flex: 1 1 420px; }
header.report .counts { display: flex; gap: 8px; }
.verdict { display: inline-flex; align-items: center; gap: 8px; font-weight: 700; font-size: 15px; letter-spacing: 0.04em; padding: 8px 16px; border-radius: 6px; }
.verdict.passed { background: var(--pass); color: #fff; }
.verdict.failed { background: var(--fail); color: #fff; }
.verdict.empty { background: var(--skip); color: #fff; }
.count { background: rgba(255,255,255,0.08); border-radius: 6px; padding: 6px 12px; text-align: center; min-width: 74px; }
.count b { display: block; font-size: 18px; }
.count span { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: #cbd2d9; }
.count.failed b { color: #fca5a5; } .count.passed b { color: #86efac; } .count.skipped b { color: #cbd2d9; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 20px; }
section.card > h2 { margin: 0 0 12px; font-size: 17px; font-weight: 650; }
h3 { font-size: 15px; margin: 18px 0 8px; font-weight: 650; }
h4 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.note { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; border-bottom: 2px solid var(--line); padding: 6px 10px; }
td { border-bottom: 1px solid var(--line); padding: 7px 10px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv { width: auto; } table.kv th { text-transform: none; letter-spacing: 0; font-size: 13px; color: var(--muted); border: 0; padding: 4px 18px 4px 0; font-weight: 500; }
table.kv td { border: 0; padding: 4px 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px 32px; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; padding: 2px 8px; border-radius: 10px; white-space: nowrap; }
.badge.passed { background: var(--pass-bg); color: var(--pass); }
.badge.failed { background: var(--fail-bg); color: var(--fail); }
.badge.skipped { background: var(--skip-bg); color: var(--skip); }
.badge.regression { background: var(--fail); color: #fff; }
.badge.improvement { background: var(--pass); color: #fff; }
.badge.other { background: var(--skip-bg); color: var(--muted); }
.badge.error { background: var(--fail-bg); color: var(--fail); }
.badge.warning { background: var(--warn-bg); color: var(--warn); }
.badge.info { background: var(--info-bg); color: var(--info); }
.scroll { overflow-x: auto; }
table.matrix td:first-child { min-width: 190px; }
table.matrix td.cell { font-weight: 600; }
table.matrix td.cell.failed { background: var(--fail-bg); color: var(--fail); }
table.matrix td.cell.passed { background: var(--pass-bg); color: var(--pass); }
table.matrix td.cell.empty, table.matrix td.cell.none { background: var(--skip-bg); color: var(--skip); }
table.matrix td.cell small { display: block; font-weight: 400; color: var(--muted); }
.finding { border-left: 4px solid var(--faint); background: #fafbfc; border-radius: 0 6px 6px 0; padding: 10px 14px; margin: 8px 0; }
.finding.error { border-color: var(--fail); background: #fff8f8; }
.finding.warning { border-color: #f59e0b; background: #fffcf2; }
.finding.info { border-color: var(--info); }
.finding .title { font-weight: 600; }
.finding .where { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.finding .detail { margin-top: 4px; }
.finding .where code.quoted { color: var(--fg); }
.finding.error .where code.quoted { background: #fee2e2; } .finding.warning .where code.quoted { background: #fef3c7; }
.finding .remedy { margin-top: 8px; background: #ecfdf5; border: 1px solid #bbf7d0; border-radius: 5px; padding: 6px 10px; }
.finding .remedy b { color: var(--pass); }
.finding .context { font-size: 12px; color: var(--muted); margin-bottom: 2px; }
pre.failure { background: #fff5f5; border: 1px solid #fecaca; border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; margin: 8px 0; }
.test { border-bottom: 1px solid var(--line); padding: 9px 0; }
.test:last-child { border-bottom: 0; }
.test .head { display: flex; gap: 10px; align-items: baseline; }
.test .name { flex: 1; font-weight: 500; }
.test .dur { color: var(--faint); font-variant-numeric: tabular-nums; font-size: 12.5px; white-space: nowrap; }
.test .skip { color: var(--muted); font-size: 13px; margin: 4px 0 0 0; }
.test .body { margin-left: 76px; }
.suite-head { display: flex; align-items: baseline; gap: 12px; margin-top: 22px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.suite-head h3 { margin: 0; }
.suite-head .summary { color: var(--muted); font-size: 13px; }
.suite-error { background: var(--fail-bg); color: var(--fail); border-radius: 6px; padding: 8px 12px; margin: 8px 0; white-space: pre-wrap; }
.config { border: 1px solid var(--line); border-radius: 6px; background: #fbfcfd; }
.config table { font-family: var(--mono); font-size: 12.5px; }
.config td { border: 0; padding: 0 10px; line-height: 1.6; }
.config td.ln { color: var(--muted); text-align: right; user-select: none; width: 1%; white-space: nowrap; border-right: 1px solid var(--line); }
.config td.src .line { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 16px; }
.config td.src .text { flex: 1 1 auto; min-width: 0; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--fg); }
.config td.src .ann { flex: 0 1 auto; max-width: 100%; font-family: system-ui, sans-serif; font-size: 12px; white-space: normal; }
.config td.src .ann > span { display: block; }
.config tr.mapped td { background: #eff6ff; }
.config tr.flagged td { background: #fee2e2; }
.config tr.warned td { background: #fef3c7; }
.config tr.holds td { background: #f0fdf4; }
.config .ann .map { color: var(--accent); }
.config .ann .note-fail { color: var(--fail); font-weight: 600; }
.config .ann .note-warn { color: #92400e; }
.config .ann .note-holds { color: var(--pass); }
ul.notes { margin: 4px 0 10px; padding-left: 20px; color: var(--fg); font-size: 13px; } ul.notes li { margin: 2px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.chart { margin: 12px 0 4px; overflow-x: auto; }
.charts > .side { flex: 1 1 380px; margin-top: 48px; }
.chart svg { max-width: 100%; height: auto; display: block; }
.metrics-row { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px; }
.metric { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 120px; }
.metric b { display: block; font-size: 17px; font-variant-numeric: tabular-nums; }
.metric span { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.03em; }
.metric.bad { border-color: #fecaca; background: #fff8f8; } .metric.bad b { color: var(--fail); }
.regressed { color: var(--fail); font-weight: 600; } .improved { color: var(--pass); font-weight: 600; }
details > summary { cursor: pointer; color: var(--accent); }
footer { color: var(--faint); font-size: 12px; text-align: center; margin: 24px 0; }
@media print { header.report { background: #fff; color: #000; } section.card { break-inside: avoid; } }
`;
