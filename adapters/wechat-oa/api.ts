/**
 * The slice of the Official Account HTTP API we call: `/cgi-bin/stable_token` (access token) and
 * `/cgi-bin/message/custom/send` (customer-service text message).
 *
 * Guarantees:
 * - The stable access token (getStableAccessToken, normal mode): every process of the deployment —
 *   `netpatrol start` and each `netpatrol worker` — gets the same token, and fetching it never
 *   invalidates another process's copy (the classic `/cgi-bin/token` did: each fetch replaced the last).
 *   Force-refresh mode is never used (WeChat allows it 20 times a day, for leaked tokens).
 * - Within a process one token is shared by all sends, fetched once (single-flight) and refreshed
 *   before it expires (at `expires_in` minus min(5 min, a tenth of it); WeChat hands out the next token
 *   in the last 5 minutes).
 * - A send answered with an expired/invalid-token error (40001, 40014, 42001) refreshes the token once
 *   and retries once.
 * - WeChat's errcodes become our error taxonomy: window closed (45015) or out of quota (45047) →
 *   {@link UndeliverableError} `window_closed`; unsubscribed/blocked/bad openid → {@link UndeliverableError};
 *   content too long → {@link PermanentError}; busy (-1), API quota (45009) and anything unknown → plain
 *   Error (the worker retries with backoff).
 * - Neither the app secret nor the access token ever appears in an error message or a log line.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { PermanentError, UndeliverableError } from '../../src/errors.ts';

export interface OaApiOptions {
  readonly apiRoot: string;
  readonly appId: string;
  readonly secret: string;
  readonly now: () => Date;
  readonly logger?: Logger;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

const TokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive() }),
  z.object({ errcode: z.coerce.number().int(), errmsg: z.string().optional() }),
]);
const ApiAnswer = z.object({ errcode: z.coerce.number().int().default(0), errmsg: z.string().optional() }).passthrough();

/** errcodes meaning "this access token is no good": refresh once, retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

interface CachedToken {
  readonly value: string;
  /** When to stop using it (already includes the safety margin). */
  readonly refreshAt: number;
}

/** Maps a non-zero errcode of `custom/send` to the error the delivery worker acts on. */
export function sendError(errcode: number, errmsg: string | undefined): Error {
  const what = `WeChat custom/send errcode ${errcode}${errmsg ? ` (${errmsg})` : ''}`;
  switch (errcode) {
    case 45015:
      return new UndeliverableError(`${what}: the 48-hour reply window has closed`, 'window_closed');
    case 45047:
      return new UndeliverableError(`${what}: the reply quota of this window is used up`, 'window_closed');
    case 43004:
      return new UndeliverableError(`${what}: the citizen no longer follows the account`, 'unsubscribed');
    case 43019:
      return new UndeliverableError(`${what}: the citizen blocked the account`, 'blocked');
    case 40003:
      return new UndeliverableError(`${what}: unknown openid`, 'invalid_recipient');
    case 45002:
    case 44002:
      return new PermanentError(`${what}: message content rejected`);
    default:
      return new Error(what);
  }
}

export class OaApiClient {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OaApiOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** A valid access token: the cached one, or one fresh fetch shared by every concurrent caller. */
  async accessToken(): Promise<string> {
    const now = this.opts.now().getTime();
    if (this.cached && now < this.cached.refreshAt) return this.cached.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return (await this.inflight).value;
  }

  /** Forgets `token` if it is still the cached one (a send said it is invalid or expired). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  /** Sends one customer-service text message. Throws as described in the module comment. */
  async sendText(openid: string, content: string): Promise<void> {
    const token = await this.accessToken();
    const first = await this.postSend(token, openid, content);
    if (first.errcode === 0) return;
    if (TOKEN_ERRCODES.has(first.errcode)) {
      this.opts.logger?.warn({ errcode: first.errcode }, 'wechat-oa: access token rejected, refreshing once');
      this.invalidate(token);
      const fresh = await this.accessToken();
      const second = await this.postSend(fresh, openid, content);
      if (second.errcode === 0) return;
      throw sendError(second.errcode, second.errmsg);
    }
    throw sendError(first.errcode, first.errmsg);
  }

  private async fetchToken(): Promise<CachedToken> {
    const url = new URL(`${this.opts.apiRoot}/cgi-bin/stable_token`);
    const body = await this.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.secret, force_refresh: false }),
      },
      'stable_token',
    );
    const parsed = TokenAnswer.safeParse(body);
    if (!parsed.success) throw new Error('WeChat /cgi-bin/stable_token: unexpected answer');
    if ('errcode' in parsed.data) {
      // 40013 bad appid, 40125 bad secret, 40164 caller IP not whitelisted: fixable by ops, so retryable.
      this.opts.logger?.error({ errcode: parsed.data.errcode }, 'wechat-oa: cannot get an access token');
      throw new Error(`WeChat /cgi-bin/stable_token errcode ${parsed.data.errcode}${parsed.data.errmsg ? ` (${parsed.data.errmsg})` : ''}`);
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    const marginMs = Math.min(300_000, lifetimeMs / 10);
    const token: CachedToken = { value: parsed.data.access_token, refreshAt: this.opts.now().getTime() + lifetimeMs - marginMs };
    this.cached = token;
    this.opts.logger?.debug({ expiresIn: parsed.data.expires_in }, 'wechat-oa: access token refreshed');
    return token;
  }

  private async postSend(token: string, openid: string, content: string): Promise<{ errcode: number; errmsg?: string }> {
    const url = new URL(`${this.opts.apiRoot}/cgi-bin/message/custom/send`);
    url.searchParams.set('access_token', token);
    const body = await this.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ touser: openid, msgtype: 'text', text: { content } }),
      },
      'custom/send',
    );
    const parsed = ApiAnswer.safeParse(body);
    if (!parsed.success) throw new Error('WeChat custom/send: unexpected answer');
    return parsed.data;
  }

  /** One HTTP call; network errors and non-2xx answers become plain (retryable) errors without the URL. */
  private async request(url: URL, init: RequestInit, what: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new Error(`WeChat ${what}: request failed: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`WeChat ${what}: HTTP ${res.status}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`WeChat ${what}: answer is not JSON`);
    }
  }
}
