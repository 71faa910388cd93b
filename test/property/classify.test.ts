/**
 * Property tests on the classifier's front end: normalize never throws, is bounded and idempotent;
 * extractEntities never throws and only returns validated numbers; a sentence and its Traditional
 * form (opencc-js) classify the same; InboundMessageSchema answers success or ZodError, never a throw.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/classify/index.ts';
import { extractEntities, idNumberValid, luhnValid } from '../../src/classify/entities.ts';
import { normalize } from '../../src/classify/normalize.ts';
import { InboundMessageSchema } from '../../src/domain/schemas.ts';
import { anyString, anyValue, hostileString, timed } from './arbitraries.ts';

const EXAMPLES_DIR = path.resolve(import.meta.dirname, '../../src/classify/examples');
const examples: string[] = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8').split('\n'))
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);

/** Obfuscation-prone text: numbers in every script, contacts, hearts, spacing between Han characters. */
const obfuscated = fc
  .array(
    fc.oneof(
      hostileString(10),
      fc.constantFrom('V信', '薇❤', 'vx', '扣扣', '企鹅号', 'TG', '纸飞机', '一三八', '〇〇', '１３８', '①②③', '❶➋', '13812345678', '6222021234567890', '110101199003071234', '刷 单', '刷·单', '刷★单', '¥5000', '五万元', '两百块', '🎉', '\u200b', '\ufe0f', 'ｗｗｗ．ｘｘ．ｃｏｍ', '  ', '\t', '唔该', '佢哋喺度', '唔 见咗'),
      fc.constantFrom(...examples.slice(0, 200)),
    ),
    { maxLength: 12 },
  )
  .map((p) => p.join(''));

describe('normalize (property)', () => {
  it('never throws, and its output is bounded (≤ 4 × input + 16 UTF-16 units)', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, obfuscated), (s) => {
        const { value, ms } = timed(() => normalize(s));
        expect(typeof value.text).toBe('string');
        expect(typeof value.traditional).toBe('boolean');
        expect(value.text.length).toBeLessThanOrEqual(s.length * 4 + 16);
        expect(ms).toBeLessThan(2000);
      }),
      { numRuns: 1500 },
    );
  });

  it('is idempotent: normalize(normalize(x)) == normalize(x)', () => {
    fc.assert(
      // 薴 is the one known exception: opencc-js maps 薴 → 苧 (tw→cn) and 苧 → 苎 on a second pass.
      fc.property(fc.oneof(hostileString(200), obfuscated, fc.constantFrom(...examples)).filter((s) => !s.includes('薴')), (s) => {
        const once = normalize(s).text;
        expect(normalize(once).text).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('extractEntities (property)', () => {
  it('never throws, and everything it returns is validated', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, obfuscated), (s) => {
        const { value: e, ms } = timed(() => extractEntities(normalize(s).text));
        expect(ms).toBeLessThan(2000);
        for (const id of e.idNumbers) expect(idNumberValid(id)).toBe(true);
        for (const card of e.bankCards) expect(luhnValid(card) && card.length >= 16 && card.length <= 19).toBe(true);
        for (const p of e.phones) expect(p).toMatch(/^(1[3-9]\d{9}|0\d{2,3}-\d{7,8}|[48]00\d{7})$/);
        for (const a of e.amounts) expect(Number.isFinite(a) && a >= 0).toBe(true); // 「0元」「0k」 give 0
        for (const list of [e.phones, e.urls, e.bankCards, e.idNumbers, e.wechatIds, e.qqNumbers]) expect(new Set(list).size).toBe(list.length);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('Traditional and Simplified classify the same (property)', () => {
  const classifier = loadClassifier();
  const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const toHk = OpenCC.Converter({ from: 'cn', to: 'hk' });
  const toTwp = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const glue = fc.constantFrom('', '，', '。', '！', '？', ' ', '\n', '另外', '还有，');
  /** A generated sentence: one to three corpus sentences joined, with an optional contact or amount. */
  const sentence = fc
    .tuple(fc.array(fc.tuple(fc.constantFrom(...examples), glue), { minLength: 1, maxLength: 3 }), fc.constantFrom('', '，电话13812345678', '，被骗了五万元', '，加V信abc12345', '，網址 ccb-jf.top'))
    .map(([parts, tail]) => parts.map(([s, g]) => s + g).join('') + tail);

  it('same intent, category and entities for the Simplified text and its Traditional forms (tw, hk characters)', () => {
    fc.assert(
      fc.property(sentence, fc.constantFrom(toTw, toHk), (simp, conv) => {
        const trad = conv(simp);
        const a = classifier.classify(simp);
        const b = classifier.classify(trad);
        expect({ intent: b.intent, category: b.category, entities: b.entities }).toEqual({ intent: a.intent, category: a.category, entities: a.entities });
      }),
      { numRuns: 1500 },
    );
  });

  it('regression: a Simplified 么 survives in a message that mixes in Traditional characters', () => {
    expect(normalize('这是真的么，網址 ccb-jf.top').text).toBe('这是真的么,网址 ccb-jf.top');
    expect(classifier.classify('群里说明天全市停水三天，是真的么？網上都在傳').intent).toBe(classifier.classify('群里说明天全市停水三天，是真的么？网上都在传').intent);
  });

  it('measure: with Taiwan vocabulary too (twp: 短信→簡訊, 网络→網路) agreement stays high', () => {
    const samples = fc.sample(sentence, { numRuns: 600, seed: 20261122 });
    const agree = samples.filter((s) => {
      const a = classifier.classify(s);
      const b = classifier.classify(toTwp(s));
      return a.intent === b.intent && a.category === b.category;
    }).length;
    console.log(`twp agreement ${agree}/${samples.length}`);
    expect(agree / samples.length).toBeGreaterThan(0.9);
  });
});

describe('InboundMessageSchema (property)', () => {
  it('safeParse answers success or a ZodError for any value, never a throw', () => {
    const msgish = fc.record({
      platform: fc.oneof(fc.constantFrom('telegram', 'http', 'wechat', 'wechat-oa', 'console'), anyValue),
      account: fc.oneof(hostileString(70), anyValue),
      conversationId: fc.oneof(hostileString(300), anyValue),
      senderId: fc.oneof(hostileString(20), anyValue),
      platformMessageId: fc.oneof(hostileString(20), anyValue),
      text: fc.oneof(anyString, anyValue),
      attachments: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constantFrom('image', 'link'), anyValue), ref: fc.oneof(hostileString(20), anyValue) }), { maxLength: 60 }), anyValue),
      sentAt: fc.oneof(fc.date({ noInvalidDate: false }), anyValue),
      meta: anyValue,
    }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(msgish, anyValue), (v) => {
        const r = InboundMessageSchema.safeParse(v);
        if (r.success) {
          expect(r.data.text.trim().length > 0 || r.data.attachments.length > 0).toBe(true);
          expect(Number.isNaN(r.data.sentAt.getTime())).toBe(false);
          expect(r.data.text.length).toBeLessThanOrEqual(10_000);
        } else expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
