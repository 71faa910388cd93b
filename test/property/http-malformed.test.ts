/**
 * POST /v1/messages with 10,000 generated malformed bodies: bad JSON, wrong types, missing and unknown
 * fields, oversized values and bodies, invalid UTF-8, wrong content types, arrays, nulls, deep nesting,
 * prototype-pollution keys. Every answer must be 4xx with the error shape, the process must stay up
 * (GET /healthz 200), nothing may be stored, and Object.prototype must stay clean.
 */
import http from 'node:http';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, jobs, messages } from '../../src/store/schema.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { anyString, hostileString } from './arbitraries.ts';

const TOTAL = 10_000;
const CONCURRENCY = 24;

interface Req {
  readonly what: string;
  readonly body: string | Buffer | undefined;
  readonly contentType: string | undefined;
}

const valid = () => ({ conversationId: 'c1', senderId: 'u1', messageId: `m-${Math.random()}`, text: '我要举报刷单诈骗' });
const json = (what: string, v: unknown, contentType = 'application/json'): Req => ({ what, body: JSON.stringify(v), contentType });

/** Values of the wrong type for a string field. */
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const FIELDS = ['conversationId', 'senderId', 'messageId', 'text', 'account', 'senderName', 'attachments', 'sentAt'] as const;
const REQUIRED = ['conversationId', 'senderId', 'messageId'] as const;

/** A valid message made invalid in exactly one way (so each answer checks one rule). */
const brokenMessage: fc.Arbitrary<Req> = fc.oneof(
  fc.tuple(fc.constantFrom(...REQUIRED)).map(([k]) => {
    const v: Record<string, unknown> = valid();
    delete v[k];
    return json(`missing ${k}`, v);
  }),
  fc.tuple(fc.constantFrom(...FIELDS), wrongType).map(([k, bad]) => json(`wrong type ${k}`, { ...valid(), [k]: k === 'attachments' && Array.isArray(bad) && bad.length === 0 ? 'x' : bad })),
  fc.tuple(fc.constantFrom('conversationId', 'senderId', 'messageId'), fc.constantFrom('', 'x'.repeat(257))).map(([k, s]) => json(`bad length ${k}`, { ...valid(), [k]: s })),
  fc.constantFrom('', ' ', '\n\t ', '\u3000').map((t) => json('empty text, no attachment', { ...valid(), text: t })),
  fc.integer({ min: 10_001, max: 12_000 }).map((n) => json('text too long', { ...valid(), text: '长'.repeat(n) })),
  fc.constantFrom('', 'x'.repeat(65)).map((a) => json('bad account', { ...valid(), account: a })),
  fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '2026-11-22', '1795392000', '2026-11-22T10:00:00').map((s) => json('bad sentAt', { ...valid(), sentAt: s })),
  fc.oneof(
    fc.constant([{ type: 'virus', ref: 'x' }]),
    fc.constant([{ type: 'image' }]),
    fc.constant([{ type: 'image', ref: '' }]),
    fc.constant([{ type: 'image', ref: 'x'.repeat(2049) }]),
    fc.constant(Array.from({ length: 51 }, () => ({ type: 'image', ref: 'x' }))),
    fc.constant([null]),
  ).map((a) => json('bad attachments', { ...valid(), attachments: a })),
  fc.tuple(fc.constantFrom('extra', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isAdmin', 'platform'), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => json(`unknown key ${k}`, { ...valid(), [k]: v ?? null })),
  // Prototype pollution as JSON text (JSON.stringify would drop a real __proto__).
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"conversationId":"c","senderId":"u","messageId":"p1","text":"hi"}',
    '{"conversationId":"c","senderId":"u","messageId":"p2","text":"hi","__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}},"conversationId":"c","senderId":"u","messageId":"p3","text":"hi"}',
    '{"conversationId":"c","senderId":"u","messageId":"p4","text":"hi","attachments":[{"type":"image","ref":"x","__proto__":{"polluted":1}}]}',
    '{"conversationId":{"__proto__":{"polluted":1}},"senderId":"u","messageId":"p5","text":"hi"}',
  ).map((body) => ({ what: 'prototype pollution', body, contentType: 'application/json' })),
);

/** Invalid UTF-8 bytes placed inside a string of an otherwise valid message. */
const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80]];
const badUtf8: fc.Arbitrary<Req> = fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.constantFrom('text', 'conversationId', 'senderId', 'messageId')).map(([bytes, field]) => {
  const v: Record<string, string> = { ...valid(), [field]: '@@' };
  const [before, after] = JSON.stringify(v).split('@@') as [string, string];
  return { what: `invalid UTF-8 in ${field}`, body: Buffer.concat([Buffer.from(`${before}ok`), Buffer.from(bytes), Buffer.from(after)]), contentType: 'application/json' };
});

/** Not JSON at all, or JSON of the wrong shape. */
const notAMessage: fc.Arbitrary<Req> = fc.oneof(
  anyString.map((s) => ({ what: 'random text as JSON', body: s, contentType: 'application/json' })),
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length < 3).map((v) => json('wrong JSON value', v)),
  fc.constantFrom('null', 'true', '0', '"x"', '[]', '[{}]', '{}', '{"conversationId":', '{,}', "{'a':1}", '{"a":NaN}', '{"a":1,}', '/*c*/{}', '\ufeff{}', '{"a":1}{"b":2}', 'nul', '[1,2').map((body) => ({ what: 'bad JSON', body, contentType: 'application/json' })),
  fc.integer({ min: 1_000, max: 60_000 }).map((d) => ({ what: 'deep nesting', body: '['.repeat(d) + ']'.repeat(d), contentType: 'application/json' })),
  fc.integer({ min: 1_000, max: 20_000 }).map((d) => ({ what: 'deep object', body: '{"a":'.repeat(d) + '1' + '}'.repeat(d), contentType: 'application/json' })),
  fc.integer({ min: 1_000, max: 5_000 }).map((n) => json('many keys', Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))),
  fc.string({ maxLength: 60 }).map((s) => {
    const full = JSON.stringify(valid());
    return { what: 'truncated JSON', body: full.slice(0, Math.max(1, Math.min(full.length - 1, s.length))), contentType: 'application/json' };
  }),
);

/** A valid message sent with the wrong (or no) content type, or encoded wrongly. */
const wrongContentType: fc.Arbitrary<Req> = fc.oneof(
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/xml', 'application/octet-stream', 'application/jsonp', 'image/png', 'application/x-json').map((contentType) => ({ what: `content type ${contentType}`, body: JSON.stringify(valid()), contentType })),
  fc.constant({ what: 'no content type', body: undefined as string | undefined, contentType: undefined as string | undefined }),
  fc.constant(0).map(() => ({ what: 'UTF-16 body', body: Buffer.from(JSON.stringify(valid()), 'utf16le'), contentType: 'application/json; charset=utf-16' })),
  fc.constant(0).map(() => ({ what: 'form body', body: 'conversationId=c&senderId=u&messageId=m&text=hi', contentType: 'application/x-www-form-urlencoded' })),
);

/** Bodies over HTTP_BODY_LIMIT (256 KiB by default). */
const oversized: fc.Arbitrary<Req> = fc.integer({ min: 262_145, max: 400_000 }).map((n) => ({ what: 'oversized', body: JSON.stringify({ ...valid(), text: 'a'.repeat(n) }), contentType: 'application/json' }));

const malformed: fc.Arbitrary<Req> = fc.oneof(
  { weight: 30, arbitrary: brokenMessage },
  { weight: 8, arbitrary: badUtf8 },
  { weight: 20, arbitrary: notAMessage },
  { weight: 6, arbitrary: wrongContentType },
  { weight: 1, arbitrary: oversized },
  { weight: 4, arbitrary: hostileString(100).map((s) => ({ what: 'hostile text, JSON type', body: s, contentType: 'application/json' })) },
);

describe('POST /v1/messages with 10,000 malformed bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** node:http with a keep-alive pool: about twice as fast as fetch here, which keeps the run under a minute. */
  function post(r: Req): Promise<{ status: number; text: string }> {
    const u = new URL(t.url);
    const headers: Record<string, string | number> = { 'content-length': r.body === undefined ? 0 : Buffer.byteLength(r.body) };
    if (r.contentType) headers['content-type'] = r.contentType;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: '/v1/messages', method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(r.body);
    });
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  afterAll(() => agent.destroy());

  it('answers only 4xx with the error shape, stays up, stores nothing, pollutes nothing', async () => {
    const reqs = fc.sample(malformed, { numRuns: TOTAL, seed: 9_2026 });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < reqs.length) {
        const r = reqs[next++]!;
        const res = await post(r);
        const text = res.text;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        let shaped = false;
        try {
          const j = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          shaped = typeof j.error?.code === 'string' && typeof j.error?.message === 'string';
        } catch {
          shaped = false;
        }
        if (res.status < 400 || res.status >= 500 || !shaped) {
          if (failures.length < 20) failures.push(`${r.what}: ${res.status} ${text.slice(0, 200)} ← ${String(r.body).slice(0, 120)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${TOTAL} malformed bodies in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);

    expect(failures).toEqual([]);
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    expect((await t.get('/healthz')).status).toBe(200);
    const count = (table: typeof messages | typeof jobs) => t.store.db.select({ n: sql<number>`count(*)` }).from(table).get()?.n ?? 0;
    expect(count(messages)).toBe(0);
    expect(count(jobs)).toBe(0);
    expect(t.store.db.select({ n: sql<number>`count(*)` }).from(auditEvents).where(sql`action = 'message.received'`).get()?.n).toBe(0);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still works for a good message afterwards.
    const ok = await t.post('/v1/messages', { conversationId: 'after', senderId: 'u', messageId: 'after-1', text: '你好' });
    expect(ok.status).toBe(202);
  }, 120_000);
});
