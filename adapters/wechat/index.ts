/**
 * wechaty adapter (`wechat`): a personal WeChat account through a wechaty 1.x puppet.
 *
 * - Citizens' private messages → `ctx.intake` (see normalize.ts).
 * - The officers' room, found by its topic (`WECHAT_OFFICERS_ROOM`): every text said there goes to
 *   `ctx.commands.handle` with the talker's contact id; a non-null answer is said in the room. Review
 *   cards are said there as text. Every other room is ignored.
 * - Sends are paced (≥ `minIntervalMs`, default 1 s, between any two) and capped per local day
 *   (`WECHAT_DAILY_CAP`; over it → {@link RetryLaterError} until the next midnight in REPORT_TIMEZONE).
 *   Review cards are paced and counted but never refused by the cap (officers must see emergencies).
 * See README.md here for identity caveats, connecting a real account and each puppet's risks.
 */
import type { Logger } from 'pino';
import { ScanStatus, WechatyBuilder, qrcodeValueToImageUrl, types } from 'wechaty';
import type { ContactInterface, MessageInterface, RoomInterface, WechatyInterface } from 'wechaty/impls';
import { z } from 'zod';
import type { Config } from '../../src/config/index.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import { PermanentError, RetryLaterError, UndeliverableError, UserFacingError } from '../../src/errors.ts';
import type { Adapter, AdapterContext, ReviewCard, SendResult } from '../../src/ports/adapter.ts';
import { splitText } from '../wechat-oa/split.ts';
import { normalizePrivateMessage } from './normalize.ts';
import { DailyCap, Pacer } from './pacing.ts';

/** Longest text piece said in one WeChat message. */
export const WECHAT_MAX_TEXT = 4000;
/** How long `send` asks the worker to wait while the account is logged out. */
export const LOGGED_OUT_RETRY_MS = 60_000;
/**
 * In a `send-only` (worker) process the account is not logged in: `send` asks to be retried this much
 * later, so that the job can land on the `netpatrol start` process that holds the session.
 */
export const SEND_ONLY_RETRY_MS = 5_000;

export interface WechatyAdapterOptions {
  /** A ready-built Wechaty (tests: one on wechaty-puppet-mock). Otherwise built from `config`. */
  readonly wechaty?: WechatyInterface;
  /** Minimum gap between two sends (default 1000 ms). */
  readonly minIntervalMs?: number;
  /** Clock for the daily cap (tests pin it). */
  readonly now?: () => Date;
  /** Where the login QR link is printed (default stderr: stdout carries console-mode replies). */
  readonly printQr?: (line: string) => void;
}

/** Builds the Wechaty instance for a real account. */
function buildWechaty(config: NonNullable<Config['wechaty']>): WechatyInterface {
  return WechatyBuilder.build({
    name: 'netpatrol',
    // Any puppet module name is accepted by wechaty at runtime; the type lists only official ones.
    puppet: config.puppet as 'wechaty-puppet-service',
    puppetOptions: config.puppetToken ? { token: config.puppetToken } : {},
  });
}

/**
 * Builds the wechaty adapter. In `full` mode `start(ctx)` starts the Wechaty instance (a QR link to scan
 * is printed for puppets that need one) and `stop()` stops it. In `send-only` mode nothing logs in and
 * `send`/`review.post` throw {@link RetryLaterError} (see {@link SEND_ONLY_RETRY_MS}).
 */
export function createWechatyAdapter(config: NonNullable<Config['wechaty']>, options: WechatyAdapterOptions = {}): Adapter {
  const wechaty = options.wechaty ?? buildWechaty(config);
  const now = options.now ?? (() => new Date());
  const printQr = options.printQr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pacer = new Pacer(options.minIntervalMs ?? 1000);
  let cap: DailyCap | undefined;
  let ctx: AdapterContext | undefined;
  let logger: Logger | undefined;
  /** True while this process holds the Wechaty session (`full` mode, between start and stop). */
  let running = false;
  /** Rooms seen carrying the officers' room topic, by id (see findOfficersRoom). */
  const topicRooms = new Map<string, RoomInterface>();
  /** Pieces of a split reply already said, so a retry resumes instead of repeating them. */
  const delivered = new Map<string, number>();

  /** Says one piece, paced; counted against the daily cap (and refused by it when `capped`). */
  function say(target: ContactInterface | RoomInterface, text: string, capped: boolean): Promise<string | undefined> {
    return pacer.run(async () => {
      if (capped) cap?.check(1);
      const sent = await target.say(text);
      cap?.record(1);
      return sent ? sent.id : undefined;
    });
  }

  /**
   * The officers' room: the one room whose topic is `WECHAT_OFFICERS_ROOM`. Anyone can create a group
   * with that topic and invite the account, so every room seen carrying it is remembered and, while more
   * than one does, all are refused (cards would leak) until an admin renames or leaves the impostor.
   * Rooms that speak are remembered too: web puppets list only rooms active since login.
   */
  async function findOfficersRoom(): Promise<RoomInterface | undefined> {
    const topic = config.officersRoom;
    if (!topic) return undefined;
    for (const room of await wechaty.Room.findAll({ topic })) topicRooms.set(room.id, room);
    for (const [id, room] of topicRooms) if ((await room.topic()) !== topic) topicRooms.delete(id);
    if (topicRooms.size > 1) {
      logger?.error({ topic, rooms: [...topicRooms.keys()] }, 'wechat: several rooms carry the officers room topic; refusing all of them');
      return undefined;
    }
    const [room] = topicRooms.values();
    if (!room) logger?.warn({ topic }, 'wechat: officers room not found (is the account a member?)');
    return room;
  }

  async function receiveWithRetry(c: AdapterContext, msg: MessageInterface): Promise<void> {
    const intake = normalizePrivateMessage(msg, c.config.account.id);
    if (intake.action === 'ignore') {
      logger?.debug({ messageId: msg.id, reason: intake.reason }, 'wechat: private message ignored');
      return;
    }
    // A wechaty message is not redelivered: retry the store a little before giving up loudly.
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await c.intake.receive(intake.message);
        logger?.info({ messageId: msg.id, id: result.id, status: result.status }, 'wechat: private message stored');
        return;
      } catch (err) {
        if (attempt >= 3 || err instanceof z.ZodError || err instanceof PermanentError) throw err;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }

  async function onRoomMessage(c: AdapterContext, msg: MessageInterface, room: RoomInterface): Promise<void> {
    const topic = await room.topic();
    if (!config.officersRoom || topic !== config.officersRoom) {
      logger?.debug({ roomId: room.id }, 'wechat: message in a room other than the officers room ignored');
      return;
    }
    topicRooms.set(room.id, room);
    const official = await findOfficersRoom();
    if (!official || official.id !== room.id) {
      logger?.warn({ roomId: room.id }, 'wechat: message in a room that only looks like the officers room ignored');
      return;
    }
    if (msg.type() !== types.Message.Text) return;
    const text = (await msg.mentionText()).trim();
    if (text === '') return;
    const talker = msg.talker();
    let answer: string;
    try {
      const reply = await c.commands.handle({ platform: 'wechat', userId: talker.id, displayName: talker.name() }, text);
      if (!reply) return;
      // The talker id is logged so admins can allow-list an officer (README: identity).
      logger?.info({ userId: talker.id, ok: reply.ok }, 'wechat: officers room command answered');
      answer = reply.text;
    } catch (err) {
      if (!(err instanceof UserFacingError)) throw err;
      logger?.info({ userId: talker.id, code: err.code }, 'wechat: officers room command refused');
      answer = err.message;
    }
    for (const piece of splitText(answer, WECHAT_MAX_TEXT)) await say(room, piece, false);
  }

  async function onMessage(msg: MessageInterface): Promise<void> {
    const c = ctx;
    if (!c || msg.self()) return;
    const room = msg.room();
    if (room) await onRoomMessage(c, msg, room);
    else await receiveWithRetry(c, msg);
  }

  const listeners = {
    message: (msg: MessageInterface) => {
      onMessage(msg).catch((err: unknown) => {
        logger?.error({ err, messageId: msg.id }, 'wechat: message could not be handled');
      });
    },
    scan: (qrcode: string, status: ScanStatus) => {
      if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
        const url = qrcodeValueToImageUrl(qrcode);
        logger?.info({ status: ScanStatus[status] }, 'wechat: waiting for the login QR code to be scanned');
        printQr(`请用要登录的微信扫描二维码 / scan with WeChat to log in: ${url}`);
      }
    },
    login: (user: ContactInterface) => {
      logger?.info({ userId: user.id }, 'wechat: logged in');
      topicRooms.clear();
      findOfficersRoom().catch((err: unknown) => logger?.warn({ err }, 'wechat: officers room lookup failed'));
    },
    logout: (user: ContactInterface) => {
      logger?.warn({ userId: user.id }, 'wechat: logged out');
      topicRooms.clear();
    },
    error: (err: Error) => {
      logger?.error({ err }, 'wechat: puppet error');
    },
  };

  return {
    platform: 'wechat',
    capabilities: { maxTextLength: WECHAT_MAX_TEXT, buttons: false, images: false },

    async start(c: AdapterContext): Promise<void> {
      ctx = c;
      logger = c.logger.child({ adapter: 'wechat' });
      cap = new DailyCap(config.dailyCap, c.config.reports.timezone, now);
      if (c.mode === 'send-only') {
        // One WeChat login lives in one process; a second login would end the first session.
        logger.info('wechat: send-only (worker process): not logging in; sends are left to `netpatrol start`');
        return;
      }
      running = true;
      wechaty.on('message', listeners.message);
      wechaty.on('scan', listeners.scan);
      wechaty.on('login', listeners.login);
      wechaty.on('logout', listeners.logout);
      wechaty.on('error', listeners.error);
      await wechaty.start();
      logger.info({ puppet: options.wechaty ? 'injected' : config.puppet, officersRoom: config.officersRoom ?? null }, 'wechat: started');
    },

    async stop(): Promise<void> {
      ctx = undefined;
      if (!running) return;
      running = false;
      wechaty.off('message', listeners.message);
      wechaty.off('scan', listeners.scan);
      wechaty.off('login', listeners.login);
      wechaty.off('logout', listeners.logout);
      wechaty.off('error', listeners.error);
      await wechaty.stop();
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (!ctx) throw new Error('wechat adapter not started');
      if (message.platform !== 'wechat') throw new PermanentError(`wechat adapter cannot send to ${message.platform}`);
      if (!running) throw new RetryLaterError('WeChat sends run only in the process that holds the login (netpatrol start)', SEND_ONLY_RETRY_MS);
      if (!wechaty.isLoggedIn) throw new RetryLaterError('WeChat account is not logged in', LOGGED_OUT_RETRY_MS);
      const contact = await wechaty.Contact.find({ id: message.recipientId });
      if (!contact) {
        throw new UndeliverableError('contact not found (ids of web-protocol puppets change at every login)', 'unknown_recipient');
      }
      const pieces = splitText(message.text, WECHAT_MAX_TEXT);
      const done = delivered.get(message.id) ?? 0;
      cap?.check(pieces.length - done);
      let first: string | undefined;
      for (let i = done; i < pieces.length; i++) {
        const id = await say(contact, pieces[i] ?? '', true);
        first ??= id;
        delivered.set(message.id, i + 1);
      }
      delivered.delete(message.id);
      if (delivered.size > 1000) delivered.clear();
      logger?.info({ outboundId: message.id, pieces: pieces.length }, 'wechat: reply sent');
      return first ? { platformMessageId: first } : {};
    },

    review: {
      async post(card: ReviewCard): Promise<void> {
        if (!running) throw new RetryLaterError('WeChat sends run only in the process that holds the login (netpatrol start)', SEND_ONLY_RETRY_MS);
        const room = await findOfficersRoom();
        if (!room) throw new Error(`officers room "${config.officersRoom ?? '(WECHAT_OFFICERS_ROOM unset)'}" not found`);
        for (const piece of splitText(card.text, WECHAT_MAX_TEXT)) await say(room, piece, false);
      },
    },
  };
}

