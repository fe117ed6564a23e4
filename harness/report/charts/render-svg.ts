/**
 * Vega-Lite → static SVG string, server-side (no browser, no canvas: renderer 'none' + toSVG). The SVG has no
 * scripts and no external references; text sizes are estimated without canvas, which is good enough for labels.
 */
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Shared look: readable in a screenshot (13px labels, 15px titles), light grid, no chart border. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  title: {
    fontSize: 15,
    fontWeight: 600,
    anchor: 'start',
    color: '#1f2933',
    subtitleFontSize: 12,
    subtitleColor: '#52606d',
    offset: 12,
  },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 500,
    titleColor: '#323f4b',
    labelColor: '#52606d',
    gridColor: '#e4e7eb',
    domainColor: '#9aa5b1',
    tickColor: '#9aa5b1',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 500, orient: 'bottom', direction: 'horizontal' },
};

/** Stable colours per node, so node2 is the same colour in every chart of a report. */
export const NODE_PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0891b2', '#ca8a04', '#db2777', '#4b5563'];

let chartCounter = 0;

/** Vega numbers clip paths and gradients per view (clip1, clip2 …); several inline SVGs on one page would collide. */
function uniqueIds(svg: string): string {
  const prefix = `chart${++chartCounter}-`;
  return svg
    .replace(/(\sid=")([^"]+")/g, `$1${prefix}$2`)
    .replace(/url\(#/g, `url(#${prefix}`)
    .replace(/((?:xlink:)?href=")#/g, `$1#${prefix}`);
}

export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return uniqueIds(svg).replace(/<svg /, '<svg role="img" ');
  } finally {
    view.finalize();
  }
}

/** "node1" < "node2" < "node10": natural order for node names. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
