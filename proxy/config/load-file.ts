/** Reads and validates a TS-proxy config file (TLS files included): either a config or printable errors. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatConfigIssue, validateProxyConfig } from './index.js';
import type { ProxyConfig } from './types.js';
import { errorText } from '../util/log.js';

export interface LoadedConfig {
  config?: ProxyConfig;
  errors: string[];
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      errors: [`${file}:1: config: cannot read the file: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`],
    };
  }
  const { config, issues } = validateProxyConfig(text, file, { checkFilesIn: path.dirname(path.resolve(file)) });
  return { config, errors: issues.map(formatConfigIssue) };
}
