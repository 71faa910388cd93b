/** The committed weights are what the training script makes from the committed examples, byte for byte. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, trainModelFile, writeModelFile } from '../../src/classify/index.ts';

describe('classifier model', () => {
  it('src/classify/model.json is reproducible from src/classify/examples (run scripts/train-classifier.ts after editing examples)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-model-'));
    try {
      const out = path.join(dir, 'model.json');
      writeModelFile(trainModelFile([]), out);
      expect(fs.readFileSync(out, 'utf8') === fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
