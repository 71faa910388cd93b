/**
 * The error taxonomy. Queue drivers and the delivery worker act on the class, never on messages:
 * - {@link PermanentError}: retrying cannot help (bad payload, unknown template, missing row) → dead letter now.
 * - {@link RetryLaterError}: the other side asked us to wait (a 429's `retry_after`) → delay, attempt not used up.
 * - {@link UndeliverableError}: the recipient cannot be reached (blocked the bot, window closed) → recorded, no retry.
 * - {@link UserFacingError}: safe to show the person who caused it (officer command errors, CLI input).
 * Anything else is transient: retried with backoff, then dead-lettered and counted.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    /** How long to wait before the next try, in milliseconds. */
    readonly delayMs: number,
  ) {
    super(message);
  }
}

export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
  constructor(
    message: string,
    /** Machine-readable reason recorded on the delivery (`blocked`, `window_closed`, …). */
    readonly reason: string,
  ) {
    super(message);
  }
}

export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    message: string,
    /** Stable code for HTTP answers (`four_eyes`, `already_decided`, `forbidden`, `not_found` …). */
    readonly code: string = 'bad_request',
    readonly status: number = 400,
  ) {
    super(message);
  }
}

/** Bad configuration: start-up stops with this one message and exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Wraps an unknown error with what we were doing, keeping the cause. */
export function withContext(err: unknown, context: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return new Error(`${context}: ${e.message}`, { cause: e });
}
