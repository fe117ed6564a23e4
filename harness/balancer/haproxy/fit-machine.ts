/**
 * Scales the settings of a haproxy.cfg that size HAProxy for production hardware (global `maxconn`, `ulimit-n`,
 * `maxpipes`, `nbthread`, `cpu-map`, proxy-level `maxconn`) to what the machine allows, each on the user's line;
 * per-server `maxconn`/`maxqueue`, weights, checks, timeouts and algorithms are never touched (the suites judge them).
 */
import type { MachineRewrite } from '../../types.js';
import { fdReserve, type MachineLimits } from '../machine-limits.js';
import type { CfgLine, ParsedCfg } from './parse.js';

/** A rewrite plus the full text the line gets in the config as run (with its indent and a note). */
export interface MachineLineRewrite extends MachineRewrite {
  text: string;
}

const PROXY_KINDS = new Set(['defaults', 'frontend', 'listen']);

function linesOf(cfg: ParsedCfg, kinds: Set<string>, keyword: string): CfgLine[] {
  return cfg.sections.filter((s) => kinds.has(s.kind)).flatMap((s) => s.lines.filter((l) => l.tokens[0] === keyword));
}

function intArg(l: CfgLine | undefined): number | undefined {
  const v = l?.tokens[1];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** HAProxy uses the last occurrence of a global setting. */
function lastGlobal(cfg: ParsedCfg, keyword: string): CfgLine | undefined {
  return linesOf(cfg, new Set(['global']), keyword).at(-1);
}

/** Splice forwarding makes HAProxy reserve a pipe (2 descriptors) per 4 connections unless `maxpipes` is set. */
function usesSplice(cfg: ParsedCfg): boolean {
  return cfg.sections.some((s) => s.lines.some((l) => l.tokens[0] === 'option' && /^splice-/.test(l.tokens[1] ?? '')));
}

/**
 * Proxy-level maxconn feeds a backend's default `fullconn` (10% of its frontends' maxconn), which sizes the dynamic
 * limit of servers using `minconn`: then it is part of what is tested and stays.
 */
function proxyMaxconnIsTested(cfg: ParsedCfg): boolean {
  const minconn = cfg.sections.some((s) =>
    s.lines.some((l) => (l.tokens[0] === 'server' || l.tokens[0] === 'default-server') && l.tokens.includes('minconn')),
  );
  const fullconn = cfg.sections.some((s) => s.lines.some((l) => l.tokens[0] === 'fullconn'));
  return minconn && !fullconn;
}

/** Highest number in HAProxy set notation ("0-15", "3", "1,4-7", "2-" → open end counts as the bound). */
function highest(set: string, openEnd: number): number {
  let max = -1;
  for (const part of set.split(',')) {
    const m = /^(\d+)(?:-(\d*))?$/.exec(part);
    if (!m) continue;
    max = Math.max(max, m[2] === undefined ? Number(m[1]) : m[2] === '' ? openEnd : Number(m[2]));
  }
  return max;
}

/**
 * Open-files limit this config needs to run unscaled: its `ulimit-n`, or enough for its global `maxconn` (and pipes)
 * within the budget fitHaproxyToMachine applies; undefined when it names neither (HAProxy sizes itself to the limit).
 */
export function haproxyFdNeeds(cfg: ParsedCfg): number | undefined {
  const ulimit = intArg(lastGlobal(cfg, 'ulimit-n'));
  const maxconn = intArg(lastGlobal(cfg, 'maxconn'));
  if (maxconn === undefined) return ulimit;
  const pipes = intArg(lastGlobal(cfg, 'maxpipes'));
  const perConnection = pipes === undefined && usesSplice(cfg) ? 2.5 : 2;
  let n = Math.ceil((perConnection * maxconn + 2 * (pipes ?? 0)) / 0.9);
  while (n - fdReserve(n) < perConnection * maxconn + 2 * (pipes ?? 0)) n += 100;
  return Math.max(n, ulimit ?? 0);
}

export function fitHaproxyToMachine(cfg: ParsedCfg, limits: MachineLimits): MachineLineRewrite[] {
  const out: MachineLineRewrite[] = [];
  const rewrite = (l: CfgLine, asRun: string, reason: string, commentOut = false): void => {
    const indent = /^\s*/.exec(l.text)![0];
    const original = l.text.trim();
    if (commentOut) asRun = `# ${original}`;
    const text = commentOut
      ? `${indent}# ${original}  # (mqtt-lb: ${reason})`
      : `${indent}${asRun}  # (mqtt-lb: was '${original}': ${reason})`;
    out.push({ line: l.line, original, asRun, reason, text });
  };
  const fdWhy = `open-files hard limit ${limits.where === 'this machine' ? 'here' : `in ${limits.where}`} is ${limits.openFiles}`;

  // Descriptors: ulimit-n above the hard limit, then connections and pipes within it (a ulimit-n the machine
  // grants is the user's own choice, kept as written, and HAProxy honours it as in production).
  let budget = limits.openFiles;
  const fdHardLimit = intArg(lastGlobal(cfg, 'fd-hard-limit'));
  if (fdHardLimit !== undefined) budget = Math.min(budget, fdHardLimit);
  for (const l of linesOf(cfg, new Set(['global']), 'ulimit-n')) {
    const v = intArg(l);
    if (v !== undefined && v > limits.openFiles) rewrite(l, `ulimit-n ${limits.openFiles}`, fdWhy);
  }
  const usable = budget - fdReserve(budget);

  let pipeFds = 0;
  const pipesLine = lastGlobal(cfg, 'maxpipes');
  const pipes = intArg(pipesLine);
  if (pipesLine && pipes !== undefined) {
    const cap = Math.floor(usable / 10);
    if (pipes > cap) rewrite(pipesLine, `maxpipes ${cap}`, `${fdWhy} (each pipe takes 2)`);
    pipeFds = 2 * Math.min(pipes, cap);
  }
  const perConnection = pipes === undefined && usesSplice(cfg) ? 2.5 : 2;
  const connCap = Math.max(1, Math.floor((usable - pipeFds) / perConnection));
  const connWhy = `${fdWhy}: HAProxy needs about ${perConnection} per connection, ${connCap} connections fit`;

  for (const l of linesOf(cfg, new Set(['global']), 'maxconn')) {
    const v = intArg(l);
    if (v !== undefined && v > connCap) rewrite(l, `maxconn ${connCap}`, connWhy);
  }
  if (!proxyMaxconnIsTested(cfg)) {
    for (const l of linesOf(cfg, PROXY_KINDS, 'maxconn')) {
      const v = intArg(l);
      if (v !== undefined && v > connCap)
        rewrite(l, `maxconn ${connCap}`, `${connWhy}; a proxy never holds more than the process`);
    }
  }

  // Threads: more than the machine's CPUs only time-slice; pinning to CPUs that do not exist here means nothing.
  const cpuWhy = `${limits.where} has ${limits.cpus} CPU${limits.cpus === 1 ? '' : 's'}`;
  let threads = limits.cpus;
  for (const l of linesOf(cfg, new Set(['global']), 'nbthread')) {
    const v = intArg(l);
    if (v !== undefined && v > limits.cpus) rewrite(l, `nbthread ${limits.cpus}`, cpuWhy);
  }
  const nbthread = intArg(lastGlobal(cfg, 'nbthread'));
  if (nbthread !== undefined) threads = Math.min(nbthread, limits.cpus);
  for (const l of linesOf(cfg, new Set(['global']), 'cpu-map')) {
    const [, which = '', ...cpuSets] = l.tokens;
    const threadSet = which.replace(/^auto:/, '').split('/')[1];
    const maxThread = threadSet ? highest(threadSet, threads) : 0;
    const maxCpu = Math.max(...cpuSets.map((c) => highest(c, limits.cpus - 1)));
    if (maxCpu >= limits.cpus) rewrite(l, '', `pins to CPU ${maxCpu}; ${cpuWhy} (0–${limits.cpus - 1})`, true);
    else if (maxThread > threads)
      rewrite(l, '', `maps thread ${maxThread}; HAProxy runs ${threads} threads here`, true);
  }
  return out.sort((a, b) => a.line - b.line);
}
