/**
 * Cross-field rules zod cannot express per field: unique names, references, bind clashes, mTLS settings.
 */
import { parseHostPort } from '../util/address.js';
import type { ProxyConfig } from './types.js';

export interface SemanticProblem {
  path: (string | number)[];
  message: string;
}

export function checkSemantics(cfg: ProxyConfig): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const backendNames = new Set<string>();
  cfg.backends.forEach((b, i) => {
    if (backendNames.has(b.name))
      problems.push({ path: ['backends', i, 'name'], message: `duplicate backend name "${b.name}"` });
    backendNames.add(b.name);
    const serverNames = new Set<string>();
    b.servers.forEach((s, j) => {
      if (serverNames.has(s.name)) {
        problems.push({
          path: ['backends', i, 'servers', j, 'name'],
          message: `duplicate server name "${s.name}" in backend "${b.name}"`,
        });
      }
      serverNames.add(s.name);
    });
  });

  const frontendNames = new Set<string>();
  const binds = new Map<string, string>();
  const claimBind = (bind: string, owner: string, path: (string | number)[]) => {
    const hp = parseHostPort(bind);
    if (!hp || hp.port === 0) return;
    const key = `${hp.host}:${hp.port}`;
    const other = binds.get(key);
    if (other) problems.push({ path, message: `bind ${bind} is already used by ${other}` });
    else binds.set(key, owner);
  };
  if (cfg.admin) claimBind(cfg.admin.bind, 'admin', ['admin', 'bind']);
  cfg.frontends.forEach((f, i) => {
    if (f.name === 'admin')
      problems.push({ path: ['frontends', i, 'name'], message: '"admin" is reserved for the admin API' });
    if (frontendNames.has(f.name))
      problems.push({ path: ['frontends', i, 'name'], message: `duplicate frontend name "${f.name}"` });
    frontendNames.add(f.name);
    if (!backendNames.has(f.backend)) {
      const known = [...backendNames].join(', ');
      problems.push({
        path: ['frontends', i, 'backend'],
        message: `no backend named "${f.backend}" (known: ${known})`,
      });
    }
    claimBind(f.bind, `frontend "${f.name}"`, ['frontends', i, 'bind']);
    if (f.tls && f.tls.verify !== 'none' && !f.tls.client_ca) {
      problems.push({
        path: ['frontends', i, 'tls', 'verify'],
        message: `verify: ${f.tls.verify} needs tls.client_ca (the CA that signs client certificates)`,
      });
    }
  });
  return problems;
}
