/** End to end through the HTTP adapter: intake → queue → triage → reply → delivery → log. */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { messages } from '../../src/store/schema.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const countMessages = (t: TestApp) => t.store.db.select({ n: sql<number>`count(*)` }).from(messages).get()?.n ?? 0;

describe('HTTP intake end to end', () => {
  it('answers a fraud tip with a receipt that quotes a real case number, and logs every step', async () => {
    t = await startTestApp();
    const res = await t.post('/v1/messages', { conversationId: 'c1', senderId: 'u1', messageId: 'm1', text: '我要举报，有人冒充客服让我刷单返利，已经被骗了3000元' });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'queued' });
    expect(res.json.id).toEqual(expect.any(String));
    const replies = await waitFor(async () => {
      const r = await t!.get('/v1/conversations/c1/replies');
      return r.json.length >= 1 ? r.json : null;
    }, 10_000, 'a reply');
    const receipt = replies.find((r: any) => r.kind === 'receipt');
    expect(receipt.caseNumber).toMatch(/^NP\d{8}\d{6}$/);
    expect(receipt.text).toContain(receipt.caseNumber);
    expect(receipt.sentAt).toEqual(expect.any(String));
    const actions = t.store.sqlite.prepare('SELECT action FROM audit_events ORDER BY seq').all().map((r: any) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['message.received', 'case.opened', 'draft.created', 'message.triaged', 'delivery.sent']));
  });

  it('stores a repeated messageId once and answers it once', async () => {
    t = await startTestApp();
    const body = { conversationId: 'c2', senderId: 'u2', messageId: 'dup-1', text: '你好' };
    const first = await t.post('/v1/messages', body);
    const second = await t.post('/v1/messages', body);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ id: first.json.id, status: 'duplicate' });
    await t.app.waitUntilIdle();
    expect(countMessages(t)).toBe(1);
    const replies = await t.get('/v1/conversations/c2/replies');
    expect(replies.json).toHaveLength(1);
  });

  it('refuses malformed bodies with a clear 400/413 and stores nothing', async () => {
    t = await startTestApp();
    const raw = async (body: string | Buffer, type = 'application/json') => {
      const r = await fetch(`${t!.url}/v1/messages`, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: r.status, json: (await r.json()) as any };
    };
    const missing = await t.post('/v1/messages', { senderId: 'u', messageId: 'x', text: 'hi' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('invalid_request');
    expect(missing.json.error.issues.some((i: any) => i.path.includes('conversationId'))).toBe(true);
    expect((await t.post('/v1/messages', { conversationId: 1, senderId: 'u', messageId: 'x', text: 'hi' })).status).toBe(400);
    expect((await t.post('/v1/messages', { conversationId: 'c', senderId: 'u', messageId: 'x' })).status).toBe(400);
    expect((await t.post('/v1/messages', [1, 2])).status).toBe(400);
    expect((await t.post('/v1/messages', { conversationId: 'c', senderId: 'u', messageId: 'x', text: '长'.repeat(10_001) })).status).toBe(400);
    const notJson = await raw('{"conversationId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe('invalid_request');
    const big = await raw(JSON.stringify({ conversationId: 'c', senderId: 'u', messageId: 'x', text: 'a'.repeat(400_000) }));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('payload_too_large');
    const badUtf8 = await raw(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(badUtf8.status).toBe(400);
    const wrongType = await raw('hello', 'text/plain');
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);
    expect(countMessages(t)).toBe(0);
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('requires the inbound token when HTTP_INBOUND_TOKEN is set', async () => {
    t = await startTestApp({ env: { HTTP_INBOUND_TOKEN: 'sekret-token' } });
    const body = { conversationId: 'c3', senderId: 'u3', messageId: 'm3', text: '你好' };
    expect((await t.post('/v1/messages', body)).status).toBe(401);
    expect((await t.post('/v1/messages', body, 'wrong')).status).toBe(401);
    expect((await t.get('/v1/conversations/c3/replies')).status).toBe(401);
    expect((await t.post('/v1/messages', body, 'sekret-token')).status).toBe(202);
    expect(countMessages(t)).toBe(1);
  });

  it('reports health and Prometheus metrics', async () => {
    t = await startTestApp();
    const h = await t.get('/healthz');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ status: 'ok', queue: 'embedded', db: 'ok' });
    await t.post('/v1/messages', { conversationId: 'c4', senderId: 'u4', messageId: 'm4', text: '你好' });
    await t.app.waitUntilIdle();
    const m = await t.get('/metrics');
    expect(m.status).toBe(200);
    expect(m.json).toMatch(/netpatrol_messages_received_total\{platform="http",status="queued"\} 1/);
    expect(m.json).toMatch(/netpatrol_replies_sent_total\{platform="http",kind="[a-z_]+"\} 1/);
  });

  it('answers an emergency with 110/120 guidance at once, without waiting for an officer', async () => {
    t = await startTestApp();
    await t.post('/v1/messages', { conversationId: 'c5', senderId: 'u5', messageId: 'm5', text: '我朋友说他吃了很多安眠药不想活了，怎么办' });
    const replies = await waitFor(async () => {
      const r = await t!.get('/v1/conversations/c5/replies');
      return r.json.length ? r.json : null;
    }, 10_000, 'emergency reply');
    expect(replies[0].kind).toBe('emergency');
    expect(replies[0].text).toMatch(/120/);
    expect(replies[0].text).toMatch(/110/);
    await waitFor(() => t!.consoleOutput().includes('紧急求助'), 5000, 'duty alert');
  });

  it('answers 查询 <case number> only to the citizen who opened the case', async () => {
    t = await startTestApp();
    await t.post('/v1/messages', { conversationId: 'c6', senderId: 'u6', messageId: 'm6', text: '举报：有个微信群在卖银行卡和身份证信息' });
    const replies = await waitFor(async () => {
      const r = await t!.get('/v1/conversations/c6/replies');
      return r.json.find((x: any) => x.caseNumber) ? r.json : null;
    }, 10_000, 'receipt');
    const number = replies.find((x: any) => x.caseNumber).caseNumber as string;
    await t.post('/v1/messages', { conversationId: 'c6', senderId: 'u6', messageId: 'm7', text: `查询 ${number}` });
    await t.post('/v1/messages', { conversationId: 'c7', senderId: 'someone-else', messageId: 'm8', text: `查询 ${number}` });
    await t.app.waitUntilIdle();
    const mine = (await t.get('/v1/conversations/c6/replies')).json.filter((x: any) => x.kind === 'status');
    const theirs = (await t.get('/v1/conversations/c7/replies')).json.filter((x: any) => x.kind === 'status');
    expect(mine).toHaveLength(1);
    expect(mine[0].text).toContain(number);
    expect(theirs).toHaveLength(1);
    expect(theirs[0].text).not.toMatch(/受理|处理中|已转/);
  });
});
