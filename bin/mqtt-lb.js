#!/usr/bin/env node
// mqtt-lb CLI (built by `npm run build` into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/harness/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('mqtt-lb: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
