/**
 * Writes src/util/script-tables.json: the characters that are Traditional-only (they change under
 * Traditional → Simplified, Taiwan and Hong Kong forms included) and Simplified-only (they change under
 * Simplified → Traditional), from opencc-js's own dictionaries. Committed so that a process never
 * builds a converter just to know whether a text needs converting; test/util/script.test.ts checks
 * the file still matches the installed opencc-js. Run: node bin/run-ts.mjs scripts/gen-script-tables.ts
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeScriptTables } from '../src/util/script-tables.ts';

const out = fileURLToPath(new URL('../src/util/script-tables.json', import.meta.url));
fs.writeFileSync(out, `${JSON.stringify(computeScriptTables(), null, 1)}\n`);
console.log(`wrote ${out}`);
