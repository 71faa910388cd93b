/**
 * Telegram's published send limits, kept in memory for one process: about 1 message/s to one chat,
 * 20 messages/min to one group, 30 messages/s overall. `reserve` answers for a batch of messages (the
 * parts of one reply) at once, so a reply is refused whole rather than half sent because its third
 * part would have to wait too long. A booked slot counts even if the send then fails, as on Telegram.
 */

export interface RateLimits {
  readonly perChatIntervalMs: number;
  readonly perGroupPerMinute: number;
  readonly globalPerSecond: number;
}

export const TELEGRAM_LIMITS: RateLimits = { perChatIntervalMs: 1000, perGroupPerMinute: 20, globalPerSecond: 30 };

/** Insert into an ascending array. */
function insertSorted(arr: number[], v: number): void {
  let i = arr.length;
  while (i > 0 && arr[i - 1]! > v) i--;
  arr.splice(i, 0, v);
}

export class SendRateLimiter {
  private readonly lastByChat = new Map<string, number>();
  private readonly groupWindows = new Map<string, number[]>();
  private readonly global: number[] = [];

  constructor(
    private readonly limits: RateLimits = TELEGRAM_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Books `count` sends to `chatId` and returns how long to wait before each, in ms from now. When the
   * last one would wait more than `maxWaitMs`, nothing is booked and `{ retryAfterMs }` says when to
   * come back instead. With `commit: false` it only answers, booking nothing. Group chats have
   * negative ids in Telegram.
   */
  reserve(chatId: string, count: number, maxWaitMs: number, commit = true): { waits: number[] } | { retryAfterMs: number } {
    const now = this.now();
    this.prune(now);
    const isGroup = chatId.startsWith('-');
    const group = [...(this.groupWindows.get(chatId) ?? [])];
    const global = [...this.global];
    let last = this.lastByChat.get(chatId);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      let t = Math.max(now, last === undefined ? now : last + this.limits.perChatIntervalMs);
      if (isGroup && group.length >= this.limits.perGroupPerMinute) t = Math.max(t, group[group.length - this.limits.perGroupPerMinute]! + 60_000);
      if (global.length >= this.limits.globalPerSecond) t = Math.max(t, global[global.length - this.limits.globalPerSecond]! + 1000);
      times.push(t);
      last = t;
      if (isGroup) insertSorted(group, t);
      insertSorted(global, t);
    }
    const lastWait = (times[times.length - 1] ?? now) - now;
    if (lastWait > maxWaitMs) return { retryAfterMs: lastWait };
    if (!commit) return { waits: times.map((t) => t - now) };
    if (last !== undefined) this.lastByChat.set(chatId, last);
    if (isGroup) this.groupWindows.set(chatId, group);
    this.global.splice(0, this.global.length, ...global);
    return { waits: times.map((t) => t - now) };
  }

  /** Forgets what no longer constrains anything, so memory stays bounded by the traffic of the last minute. */
  private prune(now: number): void {
    while (this.global.length > 0 && this.global[0]! <= now - 1000) this.global.shift();
    for (const [chat, w] of this.groupWindows) {
      while (w.length > 0 && w[0]! <= now - 60_000) w.shift();
      if (w.length === 0) this.groupWindows.delete(chat);
    }
    for (const [chat, t] of this.lastByChat) if (t <= now - this.limits.perChatIntervalMs) this.lastByChat.delete(chat);
  }
}
