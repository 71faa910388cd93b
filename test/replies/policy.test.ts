import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES, INTENTS, type Category, type Intent } from '../../src/domain/vocabulary.ts';
import { ConfigError } from '../../src/errors.ts';
import { createReplyEngine, loadPolicy, type RebuttalCandidate, type ReplyEngine, type ReplyInput } from '../../src/replies/index.ts';
import type { Store } from '../../src/store/db.ts';
import { classification, expectedTemplates as expected, tempStore } from './helpers.ts';

let store: Store;
let dir: string;
let cleanup: () => void;
let engine: ReplyEngine;
beforeEach(() => {
  ({ store, dir, cleanup } = tempStore());
  engine = createReplyEngine({ store });
});
afterEach(() => cleanup());

function draft(intent: Intent, category: Category | null, over: Partial<ReplyInput> = {}) {
  return engine.draft({
    classification: classification(intent, category),
    case: { number: 'NP20261122000001', status: 'open', isNew: true },
    locale: 'zh-Hans',
    account: { name: '网警' },
    platform: 'telegram',
    ...over,
  });
}

describe('reply policy, every intent × category', () => {
  const combos = INTENTS.flatMap((i) => [...CATEGORIES, null].map((c) => [i, c] as const));
  it.each(combos)('%s × %s', (intent, category) => {
    const drafts = draft(intent, category);
    expect(drafts.map((d) => d.templateKey).join('+')).toBe(expected(intent, category));
    for (const d of drafts) {
      expect(d.text.length).toBeGreaterThan(10);
      if (d.kind === 'emergency') expect(d).toMatchObject({ approval: 'auto', priority: 0 });
      else expect(d.approval).toBe('auto');
    }
  });
});

describe('confidence, rebuttal bands, warnings', () => {
  const cand = (status: 'approved' | 'draft', score = 0.8, id = 'water-outage'): RebuttalCandidate => ({
    id,
    title: '停水谣言',
    score,
    verdict: 'false',
    rebuttal: '近期没有全市停水计划。',
    source: null,
    status,
  });

  it('below the threshold: the case number goes out at once, the rest waits with the best guess pre-filled; emergencies go at once', () => {
    const bestGuess = (category: string) => ({ intent: 'tip', category, confidence: 0.4 });
    const low = draft('tip', 'gambling', { classification: classification('tip', 'gambling', 0.4) });
    expect(low).toEqual([
      expect.objectContaining({ templateKey: 'receipt.general', approval: 'auto', data: { replaced: 'receipt.gambling', lowConfidence: true, bestGuess: bestGuess('gambling') } }),
    ]);
    expect(low[0]?.text).toContain('NP20261122000001');
    const fraud = draft('tip', 'fraud', { classification: classification('tip', 'fraud', 0.4) });
    expect(fraud.map((d) => [d.templateKey, d.approval])).toEqual([
      ['receipt.general', 'auto'],
      ['advice.fraud', 'required'],
    ]);
    expect(fraud[1]?.data).toEqual({ lowConfidence: true, bestGuess: bestGuess('fraud') });
    expect(draft('emergency', null, { classification: classification('emergency', null, 0.3) })[0]).toMatchObject({ approval: 'auto', priority: 0 });
    const strict = createReplyEngine({ store, confidenceThreshold: 0.95 });
    expect(strict.draft({ classification: classification('tip', 'drugs', 0.9), case: null, locale: 'zh-Hans', account: { name: 'x' }, platform: 'http' })[0]?.approval).toBe('required');
  });

  it('high band + approved entry → rebuttal at once; high + draft entry and middle → waits with candidates; low → interim', () => {
    const a = draft('verify', 'rumor', { rebuttal: { band: 'high', best: cand('approved'), candidates: [cand('approved')] } });
    expect(a.map((d) => [d.templateKey, d.approval])).toEqual([['rebuttal.reply', 'auto']]);
    const b = draft('verify', 'rumor', { rebuttal: { band: 'high', best: cand('draft'), candidates: [cand('draft'), cand('approved', 0.5, 'power-outage')] } });
    expect(b).toEqual([expect.objectContaining({ templateKey: 'rebuttal.reply', approval: 'required', data: expect.objectContaining({ rebuttalId: 'water-outage', candidates: [expect.objectContaining({ id: 'water-outage' }), expect.objectContaining({ id: 'power-outage' })] }) })]);
    const m = draft('verify', null, { rebuttal: { band: 'middle', best: cand('approved', 0.45), candidates: [cand('approved', 0.45)] } });
    expect(m.map((d) => [d.templateKey, d.approval, d.data['band']])).toEqual([['rebuttal.reply', 'required', 'middle']]);
    const l = draft('verify', 'rumor', { rebuttal: { band: 'low', best: cand('approved', 0.1), candidates: [] } });
    expect(l.map((d) => [d.templateKey, d.kind, d.approval])).toEqual([['verify.still_verifying', 'receipt', 'auto']]);
    expect(l[0]?.text).toContain('NP20261122000001');
    // A rumor tip gets its receipt, plus the rebuttal only when one matches.
    expect(draft('tip', 'rumor', { rebuttal: { band: 'high', best: cand('approved'), candidates: [] } }).map((d) => d.templateKey)).toEqual(['receipt.rumor', 'rebuttal.reply']);
    expect(draft('tip', 'rumor', { rebuttal: { band: 'low', best: null, candidates: [] } }).map((d) => d.templateKey)).toEqual(['receipt.rumor']);
  });

  it('a receipt without a case waits for an officer', () => {
    expect(draft('tip', 'drugs', { case: null })[0]).toMatchObject({ approval: 'required', data: { missingCase: true } });
  });

  it('a policy file that does not validate stops start-up with a ConfigError naming the problem', () => {
    const file = path.join(dir, 'policy.yaml');
    fs.writeFileSync(file, 'confidenceThreshold: 2\nrules: []\n');
    expect(() => loadPolicy(file)).toThrow(ConfigError);
    expect(() => loadPolicy(file)).toThrow(/confidenceThreshold/);
  });
});
