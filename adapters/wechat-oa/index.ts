/**
 * WeChat Official Account (公众号) adapter.
 *
 * Inbound: `GET /v1/wechat/oa` answers WeChat's server-URL check; `POST /v1/wechat/oa` takes pushes in
 * plaintext or safe mode (`encrypt_type=aes`). A push whose signature does not verify is answered 401
 * and nothing is stored. A verified push is stored through `ctx.intake` and answered `success`; replies
 * never ride on the push answer.
 *
 * Outbound: customer-service messages (`/cgi-bin/message/custom/send`), only inside WeChat's service
 * window — within 48 hours of the citizen's last message and at most 20 replies per window. Outside it
 * `send` throws {@link UndeliverableError} `window_closed` without calling WeChat.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../../src/config/index.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import { PermanentError, UndeliverableError } from '../../src/errors.ts';
import type { Adapter, AdapterContext, SendResult } from '../../src/ports/adapter.ts';
import { OaApiClient } from './api.ts';
import { checkMsgSignature, checkSignature, decryptMessage, WechatCryptoError } from './crypto.ts';
import { parseEnvelope, parsePush, toInbound, WechatPushError } from './parse.ts';
import { splitText } from './split.ts';

/** The route WeChat is configured to call (DESIGN.md). */
export const WECHAT_OA_PATH = '/v1/wechat/oa';
/** WeChat's customer-service window: replies only this long after the citizen's last message. */
export const SERVICE_WINDOW_MS = 48 * 60 * 60 * 1000;
/** At most this many replies per window. */
export const MAX_REPLIES_PER_WINDOW = 20;
/** Longest text piece sent in one customer-service message. */
export const OA_MAX_TEXT = 2000;

export interface WechatOaAdapterOptions {
  /** Clock for the service window and token expiry (tests pin it). */
  readonly now?: () => Date;
}

const VerifyQuery = z.object({
  signature: z.string().min(1),
  timestamp: z.string().min(1),
  nonce: z.string().min(1),
  echostr: z.string().min(1),
});
const PushQuery = z.object({
  signature: z.string().optional(),
  timestamp: z.string().min(1),
  nonce: z.string().min(1),
  openid: z.string().optional(),
  encrypt_type: z.string().optional(),
  msg_signature: z.string().optional(),
});

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Pseudonymous but still personal: logs show only a prefix of an openid. */
export function maskOpenid(openid: string): string {
  return openid.length <= 8 ? '***' : `${openid.slice(0, 6)}***`;
}

/**
 * Builds the Official Account adapter. `config` is `Config['wechatOa']` (loadConfig guarantees token,
 * appId and secret). In `full` mode `start(ctx)` registers the push route on `ctx.http` (call it before
 * the server listens); in `send-only` mode it registers nothing and only `send` is used.
 */
export function createWechatOaAdapter(config: NonNullable<Config['wechatOa']>, options: WechatOaAdapterOptions = {}): Adapter {
  const now = options.now ?? (() => new Date());
  let ctx: AdapterContext | undefined;
  let api: OaApiClient | undefined;
  let logger: Logger | undefined;
  let accepting = false;
  /** Pieces of a split reply already delivered, so a retry resumes instead of repeating them. */
  const delivered = new Map<string, number>();

  async function routes(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => {
      done(null, body);
    });

    app.get(WECHAT_OA_PATH, async (req, reply) => {
      const q = VerifyQuery.safeParse(req.query);
      if (!q.success) return reply.code(401).send(errorBody('bad_signature', 'signature, timestamp, nonce and echostr are required'));
      if (!checkSignature(config.token, q.data.timestamp, q.data.nonce, q.data.signature)) {
        logger?.warn('wechat-oa: URL verification with a bad signature refused');
        return reply.code(401).send(errorBody('bad_signature', 'signature does not match'));
      }
      return reply.type('text/plain; charset=utf-8').send(q.data.echostr);
    });

    app.post(WECHAT_OA_PATH, async (req, reply) => handlePush(req.query, req.body, reply));
  }

  async function handlePush(query: unknown, body: unknown, reply: FastifyReply): Promise<FastifyReply> {
    if (!accepting || !ctx) return reply.code(503).send(errorBody('unavailable', 'wechat-oa adapter is not running'));
    const q = PushQuery.safeParse(query);
    if (!q.success) return reply.code(401).send(errorBody('bad_signature', 'timestamp and nonce are required'));
    if (typeof body !== 'string' || body.trim() === '') return reply.code(400).send(errorBody('invalid_request', 'expected an XML body'));
    const { timestamp, nonce } = q.data;

    let xml: string;
    try {
      if (q.data.encrypt_type === 'aes') {
        if (!config.aesKey) {
          logger?.error('wechat-oa: safe-mode push received but WECHAT_OA_AES_KEY is not set');
          return reply.code(401).send(errorBody('bad_signature', 'safe mode is not configured'));
        }
        const { encrypt } = parseEnvelope(body);
        if (!q.data.msg_signature || !checkMsgSignature(config.token, timestamp, nonce, encrypt, q.data.msg_signature)) {
          logger?.warn('wechat-oa: safe-mode push with a bad msg_signature refused');
          return reply.code(401).send(errorBody('bad_signature', 'msg_signature does not match'));
        }
        xml = decryptMessage(config.aesKey, config.appId, encrypt);
      } else {
        if (!q.data.signature || !checkSignature(config.token, timestamp, nonce, q.data.signature)) {
          logger?.warn('wechat-oa: push with a bad signature refused');
          return reply.code(401).send(errorBody('bad_signature', 'signature does not match'));
        }
        xml = body;
      }
    } catch (err) {
      if (err instanceof WechatCryptoError || err instanceof WechatPushError) {
        logger?.warn({ err: err.message }, 'wechat-oa: unreadable push refused');
        return reply.code(400).send(errorBody('invalid_request', err.message));
      }
      throw err;
    }

    let intake;
    try {
      intake = toInbound(parsePush(xml), ctx.config.account.id);
    } catch (err) {
      if (err instanceof WechatPushError) {
        logger?.warn({ err: err.message }, 'wechat-oa: malformed push refused');
        return reply.code(400).send(errorBody('invalid_request', err.message));
      }
      throw err;
    }
    if (intake.action === 'ignore') {
      logger?.debug({ reason: intake.reason }, 'wechat-oa: push ignored');
    } else {
      // Resolves once durable; if it throws, fastify answers 500 and WeChat retries the push.
      const result = await ctx.intake.receive(intake.message);
      logger?.info(
        { openid: maskOpenid(intake.message.senderId), id: result.id, status: result.status },
        'wechat-oa: push stored',
      );
    }
    return reply.type('text/plain; charset=utf-8').send('success');
  }

  /** Throws `window_closed` unless WeChat would still accept `pieces` more replies to `openid`. */
  async function checkWindow(c: AdapterContext, conversationId: string, pieces: number): Promise<void> {
    const last = await c.history.lastInboundAt('wechat-oa', conversationId);
    const t = now().getTime();
    if (!last || t - last.getTime() >= SERVICE_WINDOW_MS) {
      throw new UndeliverableError(
        last
          ? `the citizen last wrote ${Math.round((t - last.getTime()) / 3_600_000)} h ago; WeChat allows replies within 48 h`
          : 'the citizen never wrote to the account; WeChat allows replies only within 48 h of a message',
        'window_closed',
      );
    }
    const sent = await c.history.sentSince('wechat-oa', conversationId, last);
    if (sent + pieces > MAX_REPLIES_PER_WINDOW) {
      throw new UndeliverableError(
        `${sent} replies already sent since the citizen's last message; WeChat allows ${MAX_REPLIES_PER_WINDOW} per window`,
        'window_closed',
      );
    }
  }

  return {
    platform: 'wechat-oa',
    capabilities: { maxTextLength: OA_MAX_TEXT, buttons: false, images: false },

    async start(c: AdapterContext): Promise<void> {
      ctx = c;
      logger = c.logger.child({ adapter: 'wechat-oa' });
      api = new OaApiClient({ apiRoot: config.apiRoot, appId: config.appId, secret: config.secret, now, logger });
      if (c.mode === 'send-only') {
        logger.info('wechat-oa: send-only (worker process): no push route');
        return;
      }
      if (!c.http) throw new Error('wechat-oa adapter needs the HTTP server (ctx.http) for WeChat pushes');
      await c.http.register(routes);
      accepting = true;
      logger.info({ path: WECHAT_OA_PATH, safeMode: Boolean(config.aesKey) }, 'wechat-oa: push route registered');
    },

    async stop(): Promise<void> {
      accepting = false;
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (!ctx || !api) throw new Error('wechat-oa adapter not started');
      if (message.platform !== 'wechat-oa') throw new PermanentError(`wechat-oa adapter cannot send to ${message.platform}`);
      const openid = message.recipientId;
      const pieces = splitText(message.text, OA_MAX_TEXT);
      const done = delivered.get(message.id) ?? 0;
      await checkWindow(ctx, message.conversationId, pieces.length - done);
      try {
        for (let i = done; i < pieces.length; i++) {
          await api.sendText(openid, pieces[i] ?? '');
          delivered.set(message.id, i + 1);
        }
      } catch (err) {
        if (err instanceof UndeliverableError || err instanceof PermanentError) delivered.delete(message.id);
        if (delivered.size > 1000) delivered.clear();
        throw err;
      }
      delivered.delete(message.id);
      logger?.info({ openid: maskOpenid(openid), outboundId: message.id, pieces: pieces.length }, 'wechat-oa: reply sent');
      return {};
    },
  };
}
