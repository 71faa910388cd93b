/**
 * A small fake of the Telegram Bot API on 127.0.0.1 (node:http, random port) for tests that drive the
 * real telegraf client: point `TELEGRAM_API_ROOT` at `fake.apiRoot`.
 *
 * Implements getMe, getUpdates (long poll with `timeout`; updates stay until confirmed by a later
 * `offset`, as on Telegram; 409 while a webhook is set or when a second poll overtakes the first),
 * sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery, setWebhook, deleteWebhook
 * and sendPhoto (multipart; the file is only measured). Every call is recorded with its params.
 * `failNext` makes the next N calls of a method answer 429 (with retry_after), 403, 400 or 5xx.
 * sendMessage checks what Telegram checks and tests care about: non-empty text, at most 4096 characters
 * after entity parsing, and well-formed HTML in HTML parse mode (stray `<`, `>` or `&` → 400).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly token: string;
  readonly at: number;
  /** HTTP status the fake answered with (200 on success). */
  status: number;
}

export interface FakeMessage {
  readonly chatId: string;
  readonly messageId: number;
  text?: string;
  caption?: string;
  parseMode?: string;
  replyMarkup?: { inline_keyboard?: { text: string; callback_data?: string }[][]; force_reply?: boolean } & Record<string, unknown>;
  replyToMessageId?: number;
  edits: number;
}

export interface FailSpec {
  /** For 429: seconds in `parameters.retry_after`. */
  readonly retry_after?: number;
  readonly migrate_to_chat_id?: number;
  /** Overrides the default description (e.g. 'Bad Request: chat not found' for a 400). */
  readonly description?: string;
  /** How many consecutive calls fail (default 1). */
  readonly times?: number;
}

export interface FakeBotInfo {
  readonly id: number;
  readonly is_bot: true;
  readonly first_name: string;
  readonly username: string;
  readonly can_join_groups: boolean;
  readonly can_read_all_group_messages: boolean;
  readonly supports_inline_queries: boolean;
  readonly can_connect_to_business: boolean;
  readonly has_main_web_app: boolean;
}

export interface FakeTelegram {
  /** Give this to telegraf as `apiRoot` (no trailing slash). */
  readonly apiRoot: string;
  /** A well-formed token the fake accepts (any token is accepted unless `strictToken`). */
  readonly token: string;
  readonly botInfo: FakeBotInfo;
  /** Queues an update for getUpdates; assigns `update_id` when missing. Returns the update id. */
  pushUpdate(update: Record<string, unknown>): number;
  /** Recorded calls, oldest first; all methods when `method` is omitted. */
  calls(method?: string): FakeCall[];
  /** Answers the next `spec.times` (default 1) calls of `method` with this error code. */
  failNext(method: string, code: number, spec?: FailSpec): void;
  /** Resolves with the first recorded call (past or future) of `method` that matches; rejects after `timeoutMs`. */
  waitForCall(method: string, match?: (call: FakeCall) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** A message the bot sent, with its current text and buttons after edits. */
  message(chatId: string | number, messageId: number): FakeMessage | undefined;
  /** Messages the bot sent to a chat, oldest first. */
  messages(chatId: string | number): FakeMessage[];
  /** Pushes the callback_query an officer's press of the button labelled `label` would produce. */
  pressButton(opts: { chatId: string | number; messageId: number; label: string; from: TgUserLike }): number;
  /** Updates queued and not yet confirmed by a later offset. */
  pendingUpdates(): number;
  /** The webhook currently set, if any. */
  webhook(): { url: string; secret_token?: string } | undefined;
  /** Forgets calls, messages, updates and failures (the port stays). */
  reset(): void;
  close(): Promise<void>;
}

export interface TgUserLike {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly is_bot?: boolean;
}

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly res: http.ServerResponse;
  readonly call: FakeCall;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  409: 'Conflict: terminated by other getUpdates request',
  429: 'Too Many Requests: retry after 1',
};

const ALLOWED_TAGS = /<\/?(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)(\s[^<>]*)?>/g;

/** The text length Telegram counts for HTML parse mode (after entity parsing), or an error description. */
function htmlTextLength(text: string): number | string {
  const noTags = text.replace(ALLOWED_TAGS, '');
  if (/[<>]/.test(noTags)) return "Bad Request: can't parse entities: unsupported start tag or stray '<' or '>'";
  const bad = /&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/.exec(noTags);
  if (bad) return `Bad Request: can't parse entities: unexpected '&' at byte offset ${bad.index}`;
  return noTags.replace(/&(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);/g, '_').length;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseParams(req: http.IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  if (body.length === 0) return params;
  if (type.includes('application/json')) return { ...params, ...(JSON.parse(body.toString('utf8')) as Record<string, unknown>) };
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    for (const [key, value] of form) {
      if (typeof value === 'string') {
        let v: unknown = value;
        if (/^[[{]/.test(value)) {
          try {
            v = JSON.parse(value);
          } catch {
            v = value;
          }
        }
        params[key] = v;
      } else {
        params[key] = { filename: value.name, size: value.size, type: value.type };
      }
    }
  }
  return params;
}

let incomingMessageId = 10_000;
const nowSec = () => Math.floor(Date.now() / 1000);

/** Builders for the updates Telegram would send, for tests that push them into the fake. */
export const tg = {
  user(id: number, first_name = `User${id}`, extra: Partial<TgUserLike> = {}): TgUserLike {
    return { id, first_name, is_bot: false, ...extra };
  },
  /** A citizen's private text message. */
  privateText(from: TgUserLike, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { message: { message_id: ++incomingMessageId, date: nowSec(), chat: { id: from.id, type: 'private', first_name: from.first_name }, from, text, ...extra } };
  },
  /** A citizen's private message with any content (photo, document, caption …). */
  privateMessage(from: TgUserLike, content: Record<string, unknown>): Record<string, unknown> {
    return { message: { message_id: ++incomingMessageId, date: nowSec(), chat: { id: from.id, type: 'private', first_name: from.first_name }, from, ...content } };
  },
  /** An edit of an earlier private message. */
  privateEdit(from: TgUserLike, messageId: number, text: string, editDate = nowSec()): Record<string, unknown> {
    return {
      edited_message: { message_id: messageId, date: editDate - 60, edit_date: editDate, chat: { id: from.id, type: 'private', first_name: from.first_name }, from, text },
    };
  },
  /** A text in a group (the officers' group or any other). */
  groupText(chatId: number, from: TgUserLike, text: string, replyToMessageId?: number): Record<string, unknown> {
    return {
      message: {
        message_id: ++incomingMessageId,
        date: nowSec(),
        chat: { id: chatId, type: 'supergroup', title: `Group ${chatId}` },
        from,
        text,
        ...(replyToMessageId !== undefined ? { reply_to_message: { message_id: replyToMessageId, date: nowSec(), chat: { id: chatId, type: 'supergroup' } } } : {}),
      },
    };
  },
  /** A button press on a message. */
  callback(chatId: number, messageId: number, from: TgUserLike, data: string): Record<string, unknown> {
    return {
      callback_query: {
        id: `cq${++incomingMessageId}`,
        from,
        chat_instance: 'ci',
        data,
        message: { message_id: messageId, date: nowSec(), chat: { id: chatId, type: 'supergroup', title: `Group ${chatId}` } },
      },
    };
  },
};

/** Starts the fake on 127.0.0.1 at a random port. Always `close()` it (afterAll). */
export async function startFakeTelegram(opts: { botId?: number; username?: string; strictToken?: string } = {}): Promise<FakeTelegram> {
  const botInfo: FakeBotInfo = {
    id: opts.botId ?? 7_000_001,
    is_bot: true,
    first_name: 'Netpatrol',
    username: opts.username ?? 'netpatrol_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: true,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
  const token = opts.strictToken ?? `${botInfo.id}:FAKE-token_for-tests`;
  let calls: FakeCall[] = [];
  let updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let messages = new Map<string, FakeMessage>();
  let failures = new Map<string, { code: number; spec: FailSpec; left: number }[]>();
  let hook: { url: string; secret_token?: string } | undefined;
  let waiter: Waiter | undefined;
  let callListeners: (() => void)[] = [];
  const sockets = new Set<Socket>();

  const key = (chatId: unknown, messageId: unknown) => `${String(chatId)}:${String(messageId)}`;

  function notify(): void {
    const ls = callListeners;
    callListeners = [];
    for (const l of ls) l();
  }
  function json(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    notify();
  }
  function ok(res: http.ServerResponse, call: FakeCall, result: unknown): void {
    call.status = 200;
    json(res, 200, { ok: true, result });
  }
  function fail(res: http.ServerResponse, call: FakeCall, code: number, description: string, parameters?: Record<string, unknown>): void {
    call.status = code;
    if (code >= 500) {
      if (!res.writableEnded) {
        res.writeHead(code, { 'content-type': 'text/plain' });
        res.end('Bad Gateway');
      }
      notify();
      return;
    }
    json(res, code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });
  }

  function serveUpdates(w: Waiter): boolean {
    const batch = updates.filter((u) => (u.update_id as number) >= w.offset).slice(0, w.limit);
    if (batch.length === 0) return false;
    clearTimeout(w.timer);
    ok(w.res, w.call, batch);
    return true;
  }

  function confirm(offset: number): void {
    if (offset > 0) updates = updates.filter((u) => (u.update_id as number) >= offset);
  }

  function botMessage(chatId: unknown, extra: Record<string, unknown>): Record<string, unknown> {
    const id = Number(chatId);
    return {
      message_id: nextMessageId++,
      date: nowSec(),
      from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
      chat: Number.isFinite(id) && id < 0 ? { id, type: 'supergroup', title: `Group ${id}` } : { id: Number.isFinite(id) ? id : chatId, type: 'private', first_name: 'Citizen' },
      ...extra,
    };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, callToken, method] = m as unknown as [string, string, string];
    const params = await parseParams(req, url);
    const call: FakeCall = { method, params, token: callToken, at: Date.now(), status: 0 };
    calls.push(call);
    if (opts.strictToken && callToken !== opts.strictToken) return fail(res, call, 401, 'Unauthorized');
    const queue = failures.get(method);
    const f = queue?.[0];
    if (f) {
      f.left -= 1;
      if (f.left <= 0) queue.shift();
      const parameters: Record<string, unknown> = {};
      if (f.code === 429) parameters.retry_after = f.spec.retry_after ?? 1;
      if (f.spec.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = f.spec.migrate_to_chat_id;
      const description =
        f.spec.description ?? (f.code === 429 ? `Too Many Requests: retry after ${f.spec.retry_after ?? 1}` : (DEFAULT_DESCRIPTIONS[f.code] ?? 'Error'));
      return fail(res, call, f.code, description, Object.keys(parameters).length ? parameters : undefined);
    }
    switch (method) {
      case 'getMe':
        return ok(res, call, botInfo);
      case 'getUpdates': {
        if (hook) return fail(res, call, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        const offset = Number(params.offset ?? 0);
        const limit = Math.max(1, Math.min(100, Number(params.limit ?? 100)));
        const timeout = Math.max(0, Number(params.timeout ?? 0));
        confirm(offset);
        if (waiter) {
          clearTimeout(waiter.timer);
          fail(waiter.res, waiter.call, 409, DEFAULT_DESCRIPTIONS[409]!);
          waiter = undefined;
        }
        const w: Waiter = {
          offset,
          limit,
          res,
          call,
          timer: setTimeout(() => {
            if (waiter === w) waiter = undefined;
            ok(res, call, []);
          }, timeout * 1000),
        };
        if (serveUpdates(w) || timeout === 0) {
          if (!res.writableEnded) ok(res, call, []);
          clearTimeout(w.timer);
          return;
        }
        waiter = w;
        res.on('close', () => {
          clearTimeout(w.timer);
          if (waiter === w) waiter = undefined;
        });
        return;
      }
      case 'sendMessage': {
        const text = params.text;
        if (params.chat_id === undefined || params.chat_id === '') return fail(res, call, 400, 'Bad Request: chat_id is empty');
        if (typeof text !== 'string' || text.length === 0) return fail(res, call, 400, 'Bad Request: message text is empty');
        const length = params.parse_mode === 'HTML' ? htmlTextLength(text) : text.length;
        if (typeof length === 'string') return fail(res, call, 400, length);
        if (length > 4096) return fail(res, call, 400, 'Bad Request: message is too long');
        const replyTo = (params.reply_parameters as { message_id?: number } | undefined)?.message_id;
        const msg = botMessage(params.chat_id, { text, ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}) });
        messages.set(key(params.chat_id, msg.message_id), {
          chatId: String(params.chat_id),
          messageId: msg.message_id as number,
          text,
          parseMode: params.parse_mode as string | undefined,
          replyMarkup: params.reply_markup as FakeMessage['replyMarkup'],
          replyToMessageId: replyTo,
          edits: 0,
        });
        return ok(res, call, msg);
      }
      case 'sendPhoto': {
        const msg = botMessage(params.chat_id, {
          photo: [{ file_id: `photo${nextMessageId}`, file_unique_id: `u${nextMessageId}`, width: 800, height: 600 }],
          ...(params.caption ? { caption: params.caption } : {}),
        });
        messages.set(key(params.chat_id, msg.message_id), {
          chatId: String(params.chat_id),
          messageId: msg.message_id as number,
          caption: params.caption as string | undefined,
          edits: 0,
        });
        return ok(res, call, msg);
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const stored = messages.get(key(params.chat_id, params.message_id));
        if (!stored) return fail(res, call, 400, 'Bad Request: message to edit not found');
        const markup = params.reply_markup as FakeMessage['replyMarkup'];
        const newText = method === 'editMessageText' ? (params.text as string | undefined) : stored.text;
        if (method === 'editMessageText' && (typeof newText !== 'string' || newText.length === 0))
          return fail(res, call, 400, 'Bad Request: message text is empty');
        if (newText === stored.text && JSON.stringify(markup ?? null) === JSON.stringify(stored.replyMarkup ?? null))
          return fail(res, call, 400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same');
        stored.text = newText;
        stored.replyMarkup = markup;
        stored.edits += 1;
        return ok(res, call, botMessage(params.chat_id, { message_id: stored.messageId, text: stored.text, edit_date: nowSec() }));
      }
      case 'answerCallbackQuery':
        if (typeof params.callback_query_id !== 'string') return fail(res, call, 400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        return ok(res, call, true);
      case 'setWebhook':
        if (typeof params.url !== 'string') return fail(res, call, 400, 'Bad Request: bad webhook: an HTTPS URL must be provided for webhook');
        hook = { url: params.url, ...(typeof params.secret_token === 'string' ? { secret_token: params.secret_token } : {}) };
        return ok(res, call, true);
      case 'deleteWebhook':
        hook = undefined;
        if (params.drop_pending_updates === true) updates = [];
        return ok(res, call, true);
      default:
        return fail(res, call, 404, 'Not Found: method not found');
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      json(res, 500, { ok: false, error_code: 500, description: String(err) });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    pushUpdate(update) {
      const id = typeof update.update_id === 'number' ? update.update_id : nextUpdateId++;
      nextUpdateId = Math.max(nextUpdateId, id + 1);
      updates.push({ ...update, update_id: id });
      if (waiter && serveUpdates(waiter)) waiter = undefined;
      return id;
    },
    calls(method) {
      return method ? calls.filter((c) => c.method === method) : [...calls];
    },
    failNext(method, code, spec = {}) {
      const queue = failures.get(method) ?? [];
      queue.push({ code, spec, left: spec.times ?? 1 });
      failures.set(method, queue);
    },
    waitForCall(method, match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = calls.find((c) => c.method === method && c.status !== 0 && match(c));
          if (found) resolve(found);
          return found !== undefined;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          callListeners = callListeners.filter((l) => l !== listener);
          reject(new Error(`fake telegram: no matching ${method} call within ${timeoutMs} ms (calls: ${calls.map((c) => c.method).join(', ')})`));
        }, timeoutMs);
        const listener = () => {
          if (check()) clearTimeout(timer);
          else callListeners.push(listener);
        };
        callListeners.push(listener);
      });
    },
    message(chatId, messageId) {
      return messages.get(key(chatId, messageId));
    },
    messages(chatId) {
      return [...messages.values()].filter((m) => m.chatId === String(chatId)).sort((a, b) => a.messageId - b.messageId);
    },
    pressButton({ chatId, messageId, label, from }) {
      const msg = messages.get(key(chatId, messageId));
      const button = msg?.replyMarkup?.inline_keyboard?.flat().find((b) => b.text === label);
      if (!button?.callback_data) throw new Error(`fake telegram: no button "${label}" on message ${String(chatId)}/${messageId}`);
      return fake.pushUpdate(tg.callback(Number(chatId), messageId, from, button.callback_data));
    },
    pendingUpdates() {
      return updates.length;
    },
    webhook() {
      return hook;
    },
    reset() {
      calls = [];
      updates = [];
      messages = new Map();
      failures = new Map();
      hook = undefined;
    },
    async close() {
      if (waiter) {
        clearTimeout(waiter.timer);
        ok(waiter.res, waiter.call, []);
        waiter = undefined;
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return fake;
}
