// Writes docs/summary-schema.json from the zod schema of summary.json, as compiled into dist/ (run after tsc by
// `npm run build`; harness/results/json-schema.test.ts fails when the checked-in file is not what this writes).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summaryJsonSchemaText } from '../dist/harness/results/json-schema.js';

const out = fileURLToPath(new URL('../docs/summary-schema.json', import.meta.url));
writeFileSync(out, summaryJsonSchemaText());
console.log(`wrote ${out}`);
