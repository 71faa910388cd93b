/**
 * The Telegram adapter (telegraf v4's API client, pointed at `TELEGRAM_API_ROOT` with webhook replies
 * off, so it runs unchanged against Telegram, a local telegram-bot-api server or a fake).
 *
 * Input: long polling by default; a webhook on the shared HTTP server (`POST /v1/telegram/webhook`)
 * when `TELEGRAM_WEBHOOK_URL` is set. Every update is normalized by {@link normalizeUpdate}; a citizen
 * message goes to `ctx.intake.receive` and is acknowledged to Telegram only once intake resolved
 * (polling: the offset moves past it; webhook: the 200), so an accepted message is never lost. Officer
 * commands, replies and button presses from the officers' group go to `ctx.commands`; their failures
 * are logged and told to the group, never retried (deciding twice is worse than asking again).
 *
 * Output: {@link Adapter.send} (HTML parse mode, fully escaped, split at 4096 units, rate limited),
 * `sendPhoto` for report charts, and {@link ReviewChannel.post} for cards with inline buttons.
 *
 * Memory only (lost on restart, by design): which message shows which card, open ForceReply prompts,
 * and how many parts of a split reply were already sent (so a retry in this process does not resend them).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Telegraf, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup, UserFromGetMe } from 'telegraf/types';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../src/config/index.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import { ConfigError, PermanentError, RetryLaterError, UserFacingError } from '../../src/errors.ts';
import type { Adapter, AdapterCapabilities, AdapterContext, SendResult } from '../../src/ports/adapter.ts';
import type { CommandReply, OfficerIdentity } from '../../src/ports/commands.ts';
import type { ReviewCard, ReviewChannel } from '../../src/ports/review.ts';
import { ACTION_LABELS, encodeCallbackData, parseCallbackData, type CardAction } from './callback-data.ts';
import { mapTelegramError } from './errors.ts';
import { normalizeUpdate, type OfficerEvent } from './normalize.ts';
import { SendRateLimiter, TELEGRAM_LIMITS, type RateLimits } from './rate-limit.ts';
import { TELEGRAM_TEXT_LIMIT, escapeHtml, splitMessage } from './text.ts';

export { normalizeUpdate, type Normalized, type NormalizeOptions, type OfficerEvent } from './normalize.ts';
export { splitMessage, escapeHtml, TELEGRAM_TEXT_LIMIT } from './text.ts';
export { encodeCallbackData, parseCallbackData, CALLBACK_DATA_MAX_BYTES } from './callback-data.ts';
export { mapTelegramError } from './errors.ts';

/** The webhook route on the shared HTTP server. */
export const TELEGRAM_WEBHOOK_PATH = '/v1/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;
/** telegraf types its own AbortSignal shim; node-fetch accepts the platform's. */
type CallApiSignal = NonNullable<NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal']>;

export interface TelegramAdapterOptions {
  /** Preset bot identity (skips `getMe` at start; tests and fast restarts). */
  readonly botInfo?: UserFromGetMe;
  /** Long-poll timeout passed to getUpdates, seconds (default 50, Telegram's recommended maximum). */
  readonly pollTimeoutSec?: number;
  /** Longest wait `send` takes on itself for the rate limits before throwing RetryLaterError (default 5000 ms). */
  readonly maxSendWaitMs?: number;
  /** A button press is answered within this time even if the decision is still running (default 1500 ms). */
  readonly answerWithinMs?: number;
  /** Rate limits (default: Telegram's published ones). */
  readonly limits?: RateLimits;
  /** Clock for the rate limiter (tests). */
  readonly now?: () => number;
}

/**
 * Optional member an {@link OfficerCommandHandler} may offer (proposed for src/ports/commands.ts): may
 * `who` take `action` on the card now? null = yes, else the refusal to show. Changes nothing. With it, a
 * non-officer's press of 修改/驳回/转办 is refused at once instead of after the ForceReply answer.
 */
export interface DecisionPreflight {
  mayDecide(who: OfficerIdentity, action: CardAction, draftRef: string): Promise<CommandReply | null>;
}

/** What the Telegram adapter offers beyond the {@link Adapter} port. */
export interface TelegramAdapter extends Adapter {
  readonly platform: 'telegram';
  /** Present when `TELEGRAM_OFFICERS_CHAT_ID` is set. */
  readonly review?: ReviewChannel;
  /** Sends a PNG (report charts) with a plain-text caption (cut at 1024). Same errors as `send`. */
  sendPhoto(chatId: string, png: Buffer, caption?: string): Promise<SendResult>;
}

interface Prompt {
  readonly action: Exclude<CardAction, 'approve'>;
  readonly shortCode: string;
  readonly at: number;
}

const PROMPT_TTL_MS = 24 * 3600_000;
const MAX_REMEMBERED = 5000;

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with ours (hashing first equalizes the lengths). */
function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  return timingSafeEqual(sha256(presented), sha256(expected));
}

function isNonRetryable(err: unknown): boolean {
  return err instanceof PermanentError || err instanceof UserFacingError || (err instanceof Error && err.name === 'ZodError');
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

function shortAlert(text: string): string {
  return text.length <= 190 ? text : `${text.slice(0, 189)}…`;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

class TelegramAdapterImpl implements TelegramAdapter {
  readonly platform = 'telegram' as const;
  readonly capabilities: AdapterCapabilities = { maxTextLength: TELEGRAM_TEXT_LIMIT, buttons: true, images: true };
  readonly review?: ReviewChannel;

  private readonly bot: Telegraf;
  private readonly limiter: SendRateLimiter;
  private readonly now: () => number;
  private ctx?: AdapterContext;
  private log?: Logger;
  private botInfo?: UserFromGetMe;
  private abort = new AbortController();
  private pollLoop?: Promise<void>;
  private offset = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  /** draftId → message ids showing that card (the last one is edited on decision). */
  private readonly cards = new Map<string, number[]>();
  /** shortCode → the card message an officer pressed, for cards another process posted. */
  private readonly pressed = new Map<string, number>();
  /** ForceReply prompt message id → what the answer means. */
  private readonly prompts = new Map<number, Prompt>();
  /** outbound id → parts already sent, for retries within this process. */
  private readonly progress = new Map<string, { sent: number; firstId?: string }>();

  constructor(
    private readonly config: NonNullable<Config['telegram']>,
    private readonly options: TelegramAdapterOptions,
  ) {
    this.bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot, webhookReply: false } });
    this.now = options.now ?? Date.now;
    this.limiter = new SendRateLimiter(options.limits ?? TELEGRAM_LIMITS, this.now);
    if (config.officersChatId) this.review = { post: (card) => this.postCard(card) };
    if (config.webhookUrl) {
      if (!config.webhookSecret) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set (webhooks must be verified)');
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(config.webhookSecret))
        throw new ConfigError('TELEGRAM_WEBHOOK_SECRET: Telegram allows only 1-256 characters A-Z, a-z, 0-9, _ and -');
    }
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────────

  async start(ctx: AdapterContext): Promise<void> {
    if (this.ctx) throw new Error('telegram adapter: already started');
    this.ctx = ctx;
    this.log = ctx.logger.child({ adapter: 'telegram' });
    this.abort = new AbortController();
    if (ctx.mode === 'send-only') {
      // A worker process: send and post cards only; receiving (and the webhook setting) belongs to `start`.
      this.log.info({ mode: 'send-only' }, 'telegram adapter started');
      return;
    }
    this.botInfo = this.options.botInfo ?? (await this.call('getMe', () => this.bot.telegram.getMe()));
    this.bot.botInfo = this.botInfo;
    if (this.config.webhookUrl) {
      if (!ctx.http) throw new ConfigError('TELEGRAM_WEBHOOK_URL: set, but no HTTP server is running to receive the webhook');
      this.registerWebhook(ctx.http, this.config.webhookSecret ?? '');
      await this.call('setWebhook', () =>
        this.bot.telegram.setWebhook(this.config.webhookUrl!, {
          secret_token: this.config.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
          drop_pending_updates: false,
        }),
      );
      this.log.info({ mode: 'webhook', bot: this.botInfo.username }, 'telegram adapter started');
    } else {
      // getUpdates answers 409 while a webhook is set; pending updates are kept.
      await this.call('deleteWebhook', () => this.bot.telegram.deleteWebhook({ drop_pending_updates: false }));
      this.pollLoop = this.poll();
      this.log.info({ mode: 'polling', bot: this.botInfo.username }, 'telegram adapter started');
    }
  }

  /** Stops polling at once (the pending long poll is aborted), finishes the update in hand and in-flight webhook work. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.pollLoop;
    this.pollLoop = undefined;
    await Promise.allSettled([...this.inflight]);
    this.ctx = undefined;
  }

  // ── input ────────────────────────────────────────────────────────────────────────────────────

  private registerWebhook(http: FastifyInstance, secret: string): void {
    http.post(TELEGRAM_WEBHOOK_PATH, async (req, reply) => {
      if (!secretMatches(req.headers[SECRET_HEADER], secret)) {
        this.log?.warn({ ip: req.ip, presented: req.headers[SECRET_HEADER] !== undefined }, 'telegram webhook: bad or missing secret token');
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'bad or missing X-Telegram-Bot-Api-Secret-Token' } });
      }
      try {
        await this.track(this.dispatch(req.body));
      } catch (err) {
        // Telegram redelivers on a non-2xx answer: nothing is lost when intake is down.
        this.log?.error({ err }, 'telegram webhook: update not accepted, Telegram will redeliver');
        return reply.code(500).send({ error: { code: 'intake_failed', message: 'update not accepted, retry later' } });
      }
      return reply.code(200).send();
    });
  }

  private async poll(): Promise<void> {
    const signal = this.abort.signal;
    let backoffMs = 1000;
    while (!signal.aborted) {
      let updates: unknown[];
      const timeoutSec = this.options.pollTimeoutSec ?? 50;
      try {
        // Our stop aborts the long poll at once; a silent network drop is cut 15 s past the poll timeout.
        const pollSignal = AbortSignal.any([signal, AbortSignal.timeout((timeoutSec + 15) * 1000)]);
        updates = (await this.bot.telegram.callApi(
          'getUpdates',
          { timeout: timeoutSec, offset: this.offset, allowed_updates: [...ALLOWED_UPDATES] },
          { signal: pollSignal as unknown as CallApiSignal },
        )) as unknown[];
      } catch (err) {
        if (signal.aborted) break;
        const wait =
          err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 5) * 1000 : Math.min(backoffMs, 30_000);
        backoffMs = Math.min(backoffMs * 2, 30_000);
        this.log?.warn({ err: mapTelegramError(err, 'getUpdates'), waitMs: wait }, 'telegram: polling failed, retrying');
        await this.sleep(wait);
        continue;
      }
      backoffMs = 1000;
      for (const update of updates) {
        const id = (update as { update_id?: unknown } | null)?.update_id;
        try {
          await this.dispatch(update);
        } catch (err) {
          // Not acknowledged: the next getUpdates serves it again.
          this.log?.error({ err, updateId: id }, 'telegram: update not accepted, will retry');
          await this.sleep(Math.min(backoffMs, 30_000));
          backoffMs = Math.min(backoffMs * 2, 30_000);
          break;
        }
        if (typeof id === 'number') this.offset = Math.max(this.offset, id + 1);
      }
    }
    if (this.offset > 0) {
      // Confirm what was handled, so a restart does not replay officers' presses and commands.
      await this.bot.telegram
        .callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 }, { signal: AbortSignal.timeout(3000) as unknown as CallApiSignal })
        .catch((err: unknown) => this.log?.warn({ err: mapTelegramError(err, 'getUpdates') }, 'telegram: could not confirm the last updates'));
    }
  }

  private async sleep(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.abort.signal }).catch((err: unknown) => {
      if (!isAbort(err)) throw err;
    });
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    try {
      return await p;
    } finally {
      this.inflight.delete(p);
    }
  }

  /** Routes one update. Rejects only when a citizen message could not be taken in (so it is retried). */
  private async dispatch(update: unknown): Promise<void> {
    const ctx = this.requireCtx();
    const n = normalizeUpdate(update, {
      account: ctx.config.account.id,
      officersChatId: this.config.officersChatId,
      botUsername: this.botInfo?.username,
    });
    switch (n.kind) {
      case 'citizen': {
        try {
          const res = await ctx.intake.receive(n.message);
          this.log?.debug({ id: res.id, status: res.status }, 'telegram: message taken in');
        } catch (err) {
          if (!isNonRetryable(err)) throw err;
          this.log?.error({ err }, 'telegram: message refused by intake, dropped');
        }
        return;
      }
      case 'officer':
        try {
          if (n.event.type === 'button') await this.onButton(n.event);
          else await this.onOfficerText(n.event);
        } catch (err) {
          this.log?.error({ err, userId: n.event.who.userId }, 'telegram: officer action failed');
          await this.sayInGroup('处理失败，请稍后再试。', n.event.type === 'text' ? n.event.messageId : undefined).catch((e: unknown) =>
            this.log?.error({ err: e }, 'telegram: could not report the failure to the officers'),
          );
        }
        return;
      case 'ignored':
        this.log?.info({ reason: n.reason, chatId: n.chatId }, 'telegram: update ignored');
        if (n.callbackQueryId) await this.answer(n.callbackQueryId, '此按钮在这里无效。', false);
        return;
    }
  }

  // ── officers ─────────────────────────────────────────────────────────────────────────────────

  private async onOfficerText(ev: Extract<OfficerEvent, { type: 'text' }>): Promise<void> {
    const commands = this.requireCtx().commands;
    const prompt = ev.replyToMessageId !== undefined ? this.prompts.get(ev.replyToMessageId) : undefined;
    if (prompt && this.now() - prompt.at < PROMPT_TTL_MS && !ev.text.startsWith('/')) {
      const answer = ev.text.trim();
      const arg = prompt.action === 'reject' && answer === '-' ? '未说明' : answer;
      const reply = await commands.decide(ev.who, prompt.action, prompt.shortCode, arg);
      if (reply.ok) this.prompts.delete(ev.replyToMessageId!);
      else this.log?.warn({ userId: ev.who.userId, action: prompt.action, shortCode: prompt.shortCode }, 'telegram: decision refused');
      await this.sayInGroup(reply.text, ev.messageId);
      return;
    }
    const reply = await commands.handle(ev.who, ev.text);
    if (reply) await this.sayInGroup(reply.text, ev.messageId);
  }

  private async onButton(ev: Extract<OfficerEvent, { type: 'button' }>): Promise<void> {
    const commands = this.requireCtx().commands;
    const data = parseCallbackData(ev.data);
    if (!data) {
      await this.answer(ev.callbackQueryId, '这个按钮已失效。', true);
      return;
    }
    remember(this.pressed, data.shortCode, ev.messageId);
    if (data.action === 'approve') {
      const pending = settle(commands.decide(ev.who, 'approve', data.shortCode));
      const early = await this.within(pending, this.options.answerWithinMs ?? 1500);
      if (early === undefined) {
        // Slow decision: stop the spinner now, tell the group if it ends in a refusal.
        await this.answer(ev.callbackQueryId, '处理中…', false);
        const late = await pending;
        if (!late.ok) throw late.error;
        if (!late.value.ok) {
          this.log?.warn({ userId: ev.who.userId, action: 'approve', shortCode: data.shortCode }, 'telegram: decision refused');
          await this.sayInGroup(late.value.text);
        }
        return;
      }
      if (!early.ok) {
        await this.answer(ev.callbackQueryId, '处理失败，请稍后再试。', true);
        throw early.error;
      }
      const reply = early.value;
      if (!reply.ok) this.log?.warn({ userId: ev.who.userId, action: 'approve', shortCode: data.shortCode }, 'telegram: decision refused');
      await this.answer(ev.callbackQueryId, shortAlert(reply.text), !reply.ok);
      return;
    }
    const preflight = (commands as Partial<DecisionPreflight>).mayDecide;
    if (typeof preflight === 'function') {
      const refusal = await preflight.call(commands, ev.who, data.action, data.shortCode);
      if (refusal) {
        this.log?.warn({ userId: ev.who.userId, action: data.action, shortCode: data.shortCode }, 'telegram: decision refused');
        await this.answer(ev.callbackQueryId, shortAlert(refusal.text), true);
        return;
      }
    }
    await this.answer(ev.callbackQueryId, '请回复机器人的提示消息。', false);
    const promptId = await this.sendPrompt(ev.who, data.action, data.shortCode, ev.messageId);
    for (const [id, p] of this.prompts) if (this.now() - p.at >= PROMPT_TTL_MS) this.prompts.delete(id);
    remember(this.prompts, promptId, { action: data.action, shortCode: data.shortCode, at: this.now() });
  }

  private async sendPrompt(who: OfficerIdentity, action: Exclude<CardAction, 'approve'>, shortCode: string, cardMessageId: number): Promise<number> {
    const chatId = this.officersChat();
    const mention = `<a href="tg://user?id=${encodeURIComponent(who.userId)}">${escapeHtml(who.displayName ?? who.userId)}</a>`;
    const code = escapeHtml(shortCode);
    const departments = this.requireCtx().config.review.departments;
    const ask: Record<typeof action, [string, string]> = {
      edit: [`${mention} 请回复本条消息，发送卡片 ${code} 修改后的回复全文。`, '修改后的回复全文'],
      reject: [`${mention} 请回复本条消息，写明驳回卡片 ${code} 的理由（回复“-”表示不说明理由）。`, '驳回理由'],
      forward: [`${mention} 请回复本条消息，写明卡片 ${code} 转办的部门：${escapeHtml(departments.join('、'))}。`, '转办部门'],
    };
    const [text, placeholder] = ask[action];
    await this.book(chatId, 60_000);
    const msg = await this.call('sendMessage', () =>
      this.bot.telegram.sendMessage(chatId, text, {
        parse_mode: 'HTML',
        reply_markup: { force_reply: true, selective: true, input_field_placeholder: placeholder },
        reply_parameters: { message_id: cardMessageId, allow_sending_without_reply: true },
      }),
    );
    return msg.message_id;
  }

  private async answer(callbackQueryId: string, text: string, alert: boolean): Promise<void> {
    try {
      await this.bot.telegram.answerCbQuery(callbackQueryId, text, { show_alert: alert });
    } catch (err) {
      // An unanswered query only leaves a spinner; the decision itself already stands.
      this.log?.warn({ err: mapTelegramError(err, 'answerCallbackQuery') }, 'telegram: could not answer a button press');
    }
  }

  /** Resolves with the promise's outcome if it settles within `ms`, else with undefined. */
  private async within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    const timer = new AbortController();
    const timeout = delay(ms, undefined, { signal: timer.signal }).catch(() => undefined);
    try {
      return await Promise.race([p, timeout]);
    } finally {
      timer.abort();
    }
  }

  /** Plain text to the officers' group (split if long), waiting out the group's rate limit. */
  private async sayInGroup(text: string, replyTo?: number): Promise<void> {
    await this.sendText(this.officersChat(), text, { html: false, replyTo, maxWaitMs: 60_000 });
  }

  private officersChat(): string {
    if (!this.config.officersChatId) throw new PermanentError('telegram: TELEGRAM_OFFICERS_CHAT_ID is not set');
    return this.config.officersChatId;
  }

  // ── review cards ─────────────────────────────────────────────────────────────────────────────

  private async postCard(card: ReviewCard): Promise<void> {
    const chatId = this.officersChat();
    if (card.event === 'decided') return this.cardDecided(card, chatId);
    const actions = card.event === 'notice' ? [] : card.actions;
    const keyboard: InlineKeyboardMarkup | undefined = actions.length
      ? { inline_keyboard: [actions.map((a) => ({ text: ACTION_LABELS[a], callback_data: encodeCallbackData(a, card.shortCode) }))] }
      : undefined;
    const ids = await this.sendText(chatId, card.text, { html: false, keyboard, maxWaitMs: 10_000 });
    const last = ids[ids.length - 1];
    if (keyboard && last !== undefined) remember(this.cards, card.draftId, [...(this.cards.get(card.draftId) ?? []), Number(last)]);
  }

  /** Edits the card's last message to the decided text and strips every button; posts anew when that is impossible. */
  private async cardDecided(card: ReviewCard, chatId: string): Promise<void> {
    const ids = [...(this.cards.get(card.draftId) ?? [])];
    const pressed = this.pressed.get(card.shortCode);
    if (pressed !== undefined && !ids.includes(pressed)) ids.push(pressed);
    this.cards.delete(card.draftId);
    this.pressed.delete(card.shortCode);
    const last = ids[ids.length - 1];
    const editable = last !== undefined && card.text.length <= TELEGRAM_TEXT_LIMIT;
    for (const id of editable ? ids.slice(0, -1) : ids) {
      await this.book(chatId, 60_000);
      await this.bot.telegram
        .editMessageReplyMarkup(chatId, id, undefined, { inline_keyboard: [] })
        .catch((err: unknown) => this.log?.warn({ err: mapTelegramError(err, 'editMessageReplyMarkup') }, 'telegram: could not strip old card buttons'));
    }
    if (editable) {
      await this.book(chatId, 10_000);
      try {
        await this.bot.telegram.editMessageText(chatId, last, undefined, card.text, { reply_markup: { inline_keyboard: [] } });
        return;
      } catch (err) {
        if (err instanceof TelegramError && err.code === 400 && /not modified/i.test(err.description)) return;
        if (!(err instanceof TelegramError && err.code === 400)) throw mapTelegramError(err, 'editMessageText');
        this.log?.warn({ err: mapTelegramError(err, 'editMessageText') }, 'telegram: card not editable, posting the decision anew');
      }
    }
    await this.sendText(chatId, card.text, { html: false, maxWaitMs: 10_000 });
  }

  // ── output ───────────────────────────────────────────────────────────────────────────────────

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.platform !== 'telegram') throw new PermanentError(`telegram adapter cannot send a ${message.platform} message`);
    const ids = await this.sendText(message.conversationId, message.text, {
      html: true,
      maxWaitMs: this.options.maxSendWaitMs ?? 5000,
      progressKey: message.id,
    });
    return ids[0] !== undefined ? { platformMessageId: ids[0] } : {};
  }

  async sendPhoto(chatId: string, png: Buffer, caption?: string): Promise<SendResult> {
    await this.book(chatId, this.options.maxSendWaitMs ?? 5000);
    const msg = await this.call('sendPhoto', () =>
      this.bot.telegram.sendPhoto(chatId, { source: png, filename: 'chart.png' }, caption ? { caption: caption.slice(0, 1024) } : {}),
    );
    return { platformMessageId: String(msg.message_id) };
  }

  /** Books one rate-limit slot and waits for it; throws RetryLaterError when it is more than `maxWaitMs` away. */
  private async book(chatId: string, maxWaitMs: number): Promise<void> {
    const r = this.limiter.reserve(chatId, 1, maxWaitMs);
    if ('retryAfterMs' in r) throw new RetryLaterError(`telegram: rate limit for chat ${chatId}`, r.retryAfterMs);
    const wait = r.waits[0] ?? 0;
    if (wait > 0) await delay(wait);
  }

  /**
   * Sends a text as one or more messages; returns their ids in order. `html`: escape it all and use HTML
   * parse mode (citizens' replies); otherwise plain text (cards, officer chatter). The keyboard rides on
   * the last part. With `progressKey`, parts already sent by an earlier failed attempt are skipped.
   */
  private async sendText(
    chatId: string,
    text: string,
    opts: { html: boolean; maxWaitMs: number; replyTo?: number; keyboard?: InlineKeyboardMarkup; progressKey?: string },
  ): Promise<string[]> {
    const parts = splitMessage(opts.html ? escapeHtml(text) : text, TELEGRAM_TEXT_LIMIT);
    const done = opts.progressKey ? this.progress.get(opts.progressKey) : undefined;
    const skip = Math.min(done?.sent ?? 0, parts.length);
    const ids: string[] = done?.firstId && skip > 0 ? [done.firstId] : [];
    const todo = parts.slice(skip);
    if (todo.length === 0) return ids;
    // All parts or none: refuse now rather than after the first part went out.
    const check = this.limiter.reserve(chatId, todo.length, opts.maxWaitMs, false);
    if ('retryAfterMs' in check) throw new RetryLaterError(`telegram: rate limit for chat ${chatId}`, check.retryAfterMs);
    for (let i = 0; i < todo.length; i++) {
      await this.book(chatId, Number.POSITIVE_INFINITY);
      const isLast = i === todo.length - 1;
      const msg = await this.call('sendMessage', () =>
        this.bot.telegram.sendMessage(chatId, todo[i]!, {
          ...(opts.html ? { parse_mode: 'HTML' as const } : {}),
          link_preview_options: { is_disabled: true },
          ...(opts.replyTo !== undefined && i === 0 && skip === 0
            ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } }
            : {}),
          ...(isLast && opts.keyboard ? { reply_markup: opts.keyboard } : {}),
        }),
      );
      ids.push(String(msg.message_id));
      if (opts.progressKey) remember(this.progress, opts.progressKey, { sent: skip + i + 1, firstId: ids[0] });
    }
    if (opts.progressKey) this.progress.delete(opts.progressKey);
    return ids;
  }

  /** Runs a Bot API call, mapping Telegram's errors onto ours. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapTelegramError(err, what);
    }
  }

  private requireCtx(): AdapterContext {
    if (!this.ctx) throw new Error('telegram adapter: not started');
    return this.ctx;
  }
}

/**
 * Creates the Telegram adapter. Throws {@link ConfigError} for a webhook secret Telegram would refuse.
 * Nothing touches the network before `start`.
 */
export function createTelegramAdapter(config: NonNullable<Config['telegram']>, options: TelegramAdapterOptions = {}): TelegramAdapter {
  return new TelegramAdapterImpl(config, options);
}
