/** The OA API client against the loopback fake: the stable token is shared across processes. */
import { afterEach, describe, expect, it } from 'vitest';
import { OaApiClient } from '../../adapters/wechat-oa/api.ts';
import { startFakeWechatOa, type FakeWechatOa } from '../support/fake-wechat-oa.ts';

const APPID = 'wx1234567890abcdef';
const SECRET = 'app-secret-value';
let api: FakeWechatOa | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('OaApiClient', () => {
  it('several processes share one stable token: fetching it never invalidates another copy', async () => {
    let now = Date.parse('2026-11-22T10:00:00+08:00');
    api = await startFakeWechatOa({ appId: APPID, secret: SECRET, now: () => now });
    const client = () => new OaApiClient({ apiRoot: api!.url, appId: APPID, secret: SECRET, now: () => new Date(now) });
    const start = client();
    const worker1 = client();
    const worker2 = client();
    await start.sendText('o1', '一');
    await worker1.sendText('o2', '二');
    await worker2.sendText('o3', '三');
    await start.sendText('o4', '四');
    expect(api.sent.map((m) => m.accessToken)).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1']);
    expect(api.tokenCalls).toBe(3); // one per process, none after
    // In the last 5 minutes WeChat hands out the next token; the others keep working with theirs.
    now += (7200 - 200) * 1000;
    await worker1.sendText('o5', '五');
    await start.sendText('o6', '六');
    expect(api.sent.slice(4).map((m) => m.accessToken)).toEqual(['tok-2', 'tok-2']);
    expect(api.sent).toHaveLength(6);
  });
});
