/**
 * Every intent × category through the whole pipeline (intake → queue → triage → case → policy →
 * templates → delivery → log): the classifier is pinned to each combination so the test checks the
 * pipeline and the policy, not the classifier's judgement on sample texts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification } from '../../src/domain/schemas.ts';
import { CATEGORIES, INTENTS, type Category, type Intent } from '../../src/domain/vocabulary.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { expectedTemplates } from '../replies/helpers.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const EMPTY = { phones: [], urls: [], bankCards: [], idNumbers: [], wechatIds: [], qqNumbers: [], amounts: [], caseNumbers: [] };

/** Reads the combination from the text `combo <intent> <category>` (a pinned classifier). */
const pinned = {
  classify(text: string): Classification {
    const [, intent, category] = text.split(' ');
    return { intent: intent as Intent, category: category === 'null' ? null : (category as Category), confidence: 0.9, entities: EMPTY, rebuttal: null, traditional: false };
  },
};

let store: TempStore;
let app: App;
beforeAll(async () => {
  store = tempStore();
  const config = loadConfig({ DATABASE_URL: `file:${store.path}`, HTTP_PORT: '0', LOG_LEVEL: 'silent', ADAPTERS: 'http', RATE_LIMIT_PER_MINUTE: '1000', WORKERS: '2' });
  app = await createApp({ config, role: 'start', adapters: [createHttpAdapter({ store })], logger: silentLogger, store, classifier: pinned });
});
afterAll(async () => {
  await app.stop();
  store.cleanup();
});

describe('every intent × category through the pipeline', () => {
  const combos = INTENTS.flatMap((i) => [...CATEGORIES, null].map((c) => [i, c] as const));
  it(`answers all ${combos.length} combinations with the policy's templates, quoting the case number in receipts`, async () => {
    for (const [i, [intent, category]] of combos.entries()) {
      await app.intake.receive({ platform: 'http', account: 'default', conversationId: `c${i}`, senderId: `s${i}`, platformMessageId: `m${i}`, text: `combo ${intent} ${category}`, sentAt: new Date() });
    }
    await app.waitUntilIdle();
    const problems: string[] = [];
    for (const [i, [intent, category]] of combos.entries()) {
      const rows = store.sqlite
        .prepare(
          `SELECT d.template_key AS key, d.kind, d.text, c.number FROM deliveries d LEFT JOIN cases c ON c.id = d.case_id
           WHERE d.conversation_id = ? AND d.status = 'sent' ORDER BY d.priority, d.created_at`,
        )
        .all(`c${i}`) as { key: string; kind: string; text: string; number: string | null }[];
      const got = rows.map((r) => r.key).join('+');
      const want = expectedTemplates(intent, category);
      if (got !== want) problems.push(`${intent} × ${category}: sent ${got || 'nothing'}, expected ${want}`);
      for (const r of rows) if (r.kind === 'receipt' && (!r.number || !r.text.includes(r.number))) problems.push(`${intent} × ${category}: receipt without its case number`);
    }
    expect(problems).toEqual([]);
  });
});
