import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadClassifier, retrain } from '../../src/classify/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'np-retrain-'));
  dirs.push(d);
  return d;
}

describe('retrain', () => {
  it("an officer's correction changes the retrained model's answer for that text", () => {
    const text = '这个小程序天天推送抽奖活动，说转发给十个好友就能领奖品';
    const before = loadClassifier().classify(text);
    expect(before.category).not.toBe('fraud');

    const out = path.join(tmp(), 'model.json');
    const result = retrain([{ text, intent: 'tip', category: 'fraud' }], out);
    expect(result).toMatchObject({ corrections: 1, outPath: out });
    expect(result.examples).toBeGreaterThan(500);

    const after = loadClassifier({ modelPath: out }).classify(text);
    expect(after.intent).toBe('tip');
    expect(after.category).toBe('fraud');
    // The same text in Traditional characters and with extra spaces is the same correction.
    expect(loadClassifier({ modelPath: out }).classify('這個小程序天天推送抽獎活動， 說轉發給十個好友就能領獎品').category).toBe('fraud');
  });

  it('trains deterministically and loads from CLASSIFIER_MODEL_PATH', () => {
    const dir = tmp();
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    retrain([{ text: '测试一下', intent: null, category: null }], a);
    retrain([{ text: '测试一下', intent: null, category: null }], b);
    expect(fs.readFileSync(a, 'utf8')).toBe(fs.readFileSync(b, 'utf8'));

    const previous = process.env.CLASSIFIER_MODEL_PATH;
    process.env.CLASSIFIER_MODEL_PATH = a;
    try {
      expect(loadClassifier().classify('测试一下')).toMatchObject({ category: null, confidence: 1 });
    } finally {
      if (previous === undefined) delete process.env.CLASSIFIER_MODEL_PATH;
      else process.env.CLASSIFIER_MODEL_PATH = previous;
    }
  });

  it('refuses a file that is not a model, naming it', () => {
    const bad = path.join(tmp(), 'bad.json');
    fs.writeFileSync(bad, '{"format":"something-else"}');
    expect(() => loadClassifier({ modelPath: bad })).toThrow(/bad\.json/);
  });
});
