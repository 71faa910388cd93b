/**
 * Trains the classifier's committed weights from src/classify/examples/*.jsonl (never from
 * ../shared/data) and writes src/classify/model.json. Deterministic: running it twice gives the same
 * file. Usage: node bin/run-ts.mjs scripts/train-classifier.ts [OUT.json]
 */
import { DEFAULT_MODEL_PATH, trainModelFile, writeModelFile } from '../src/classify/index.ts';

const out = process.argv[2] ?? DEFAULT_MODEL_PATH;
const started = performance.now();
const model = trainModelFile([]);
writeModelFile(model, out);
console.log(
  JSON.stringify({
    out,
    examples: model.meta.examples,
    features: model.features.length,
    seconds: +((performance.now() - started) / 1000).toFixed(2),
  }),
);
