/**
 * A loopback fake of the WeChat Official Account API (node:http on 127.0.0.1, random port), for tests.
 * Serves `POST /cgi-bin/stable_token` and `POST /cgi-bin/message/custom/send` with WeChat's answer shapes.
 *
 * - Tokens are `tok-1`, `tok-2`, …; `tokenCalls` counts fetches; `expiresIn` sets their lifetime.
 *   Like WeChat's stable token (normal mode), a fetch returns the current token while it is valid and
 *   more than 5 minutes from expiry (with the remaining lifetime), else a new one; the clock is `now`.
 * - `expireTokens()` makes every issued token answer 42001; `revokeTokens()` makes them answer 40001.
 * - `failNext(errcode, times, skip)` makes upcoming sends answer that errcode instead of delivering.
 * - `sent` records delivered messages (with the token used).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOaMessage {
  readonly accessToken: string;
  readonly touser: string;
  readonly msgtype: string;
  readonly content: string;
}

export interface FakeWechatOa {
  /** Base URL to use as `apiRoot`. */
  readonly url: string;
  readonly sent: FakeOaMessage[];
  readonly tokenCalls: number;
  readonly sendCalls: number;
  /** Lifetime given to new tokens, seconds (default 7200). */
  expiresIn: number;
  /** Delay before answering /cgi-bin/stable_token, ms (to exercise single-flight). */
  tokenDelayMs: number;
  expireTokens(): void;
  revokeTokens(): void;
  /** The next `times` sends answer `errcode`, after `skip` sends that are delivered normally. */
  failNext(errcode: number, times?: number, skip?: number): void;
  close(): Promise<void>;
}

export async function startFakeWechatOa(opts: { appId: string; secret: string; now?: () => number }): Promise<FakeWechatOa> {
  const now = opts.now ?? Date.now;
  const tokens = new Map<string, 'valid' | 'expired' | 'revoked'>();
  /** The stable token handed out now, and when it expires (ms, on `now`). */
  let current: { token: string; expiresAt: number } | null = null;
  /** Scripted answers for the next sends: an errcode, or null for "deliver normally". */
  const failures: (number | null)[] = [];
  const state = { tokenCalls: 0, sendCalls: 0, n: 0 };
  const sent: FakeOaMessage[] = [];

  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const fake = {
    url: '',
    sent,
    get tokenCalls() {
      return state.tokenCalls;
    },
    get sendCalls() {
      return state.sendCalls;
    },
    expiresIn: 7200,
    tokenDelayMs: 0,
    expireTokens() {
      for (const k of tokens.keys()) tokens.set(k, 'expired');
    },
    revokeTokens() {
      for (const k of tokens.keys()) tokens.set(k, 'revoked');
    },
    failNext(errcode: number, times = 1, skip = 0) {
      for (let i = 0; i < skip; i++) failures.push(null);
      for (let i = 0; i < times; i++) failures.push(errcode);
    },
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      state.tokenCalls++;
      const body = JSON.parse(await readBody(req)) as { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean };
      if (fake.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, fake.tokenDelayMs));
      if (body.grant_type !== 'client_credential') return json(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      if (body.appid !== opts.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' });
      if (body.secret !== opts.secret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      const t = now();
      if (body.force_refresh !== true && current && tokens.get(current.token) === 'valid' && t < current.expiresAt - 300_000)
        return json(res, { access_token: current.token, expires_in: Math.floor((current.expiresAt - t) / 1000) });
      if (body.force_refresh === true && current) tokens.set(current.token, 'revoked');
      const token = `tok-${++state.n}`;
      tokens.set(token, 'valid');
      current = { token, expiresAt: t + fake.expiresIn * 1000 };
      return json(res, { access_token: token, expires_in: fake.expiresIn });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
      state.sendCalls++;
      const token = url.searchParams.get('access_token') ?? '';
      const status = tokens.get(token);
      const body = await readBody(req);
      if (status === 'expired') return json(res, { errcode: 42001, errmsg: 'access_token expired' });
      if (status !== 'valid') return json(res, { errcode: 40001, errmsg: 'invalid credential' });
      const fail = failures.shift();
      if (fail !== undefined && fail !== null) return json(res, { errcode: fail, errmsg: `fake error ${fail}` });
      const parsed = JSON.parse(body) as { touser: string; msgtype: string; text?: { content?: string } };
      sent.push({ accessToken: token, touser: parsed.touser, msgtype: parsed.msgtype, content: parsed.text?.content ?? '' });
      return json(res, { errcode: 0, errmsg: 'ok' });
    }
    res.writeHead(404).end();
    return undefined;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
