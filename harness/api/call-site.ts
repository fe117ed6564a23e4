/** The user's file:line that called into the library API, so a bad value is reported where it was written. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallSite {
  file: string;
  line?: number;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FRAME = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/;

/** This folder's modules (not tests beside them). */
const API_MODULES = new Set(['builder', 'started', 'clients', 'ledger', 'fault-words', 'call-site', 'index']);
const isApiModule = (file: string): boolean =>
  path.dirname(file) === HERE && API_MODULES.has(path.basename(file).replace(/\.(js|ts)$/, ''));

/** The first stack frame outside the library API's modules (the library API): where the user's code called it. */
export function callSite(): CallSite {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const m = FRAME.exec(frame.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (isApiModule(file) || file.startsWith('node:')) continue;
    return { file, line: Number(m[2]) };
  }
  return { file: path.join(process.cwd(), '(unknown caller)') };
}
