/** Which backends a frontend or listen section sends its connections to, as HAProxy's switching rules allow. */
import type { CfgSection } from './parse.js';

export interface FrontendBackends {
  /** default_backend; a listen without one: itself. */
  backend?: string;
  /** The default one first, then every `use_backend` target, then (a listen) itself. */
  backends: string[];
}

export function frontendBackends(section: CfgSection): FrontendBackends {
  const declared = section.lines.find((l) => l.tokens[0] === 'default_backend')?.tokens[1];
  const backend = declared ?? (section.kind === 'listen' ? section.name : undefined);
  const targets = section.lines.filter((l) => l.tokens[0] === 'use_backend').map((l) => l.tokens[1]);
  const self = section.kind === 'listen' ? [section.name] : [];
  const backends = [...new Set([backend, ...targets, ...self].filter((b): b is string => !!b))];
  return { backend, backends };
}
