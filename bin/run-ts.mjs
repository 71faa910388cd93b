#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, evaluation) through tsx: `node bin/run-ts.mjs scripts/x.ts args…`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const script = process.argv[2];
if (!script) {
  console.error('usage: node bin/run-ts.mjs SCRIPT.ts [args…]');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(script));
await import(pathToFileURL(path.resolve(script)).href);
