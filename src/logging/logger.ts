/**
 * pino, JSON to stderr (stdout belongs to the console adapter's replies and CLI output); pretty when
 * stderr is a terminal. Citizens' text never goes to logs in clear: known fields are redacted and any
 * string passed as `text`/`body` is masked.
 */
import pino, { type Logger } from 'pino';
import { maskText } from '../privacy/mask.ts';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'netpatrol'): Logger {
  const pretty = process.stderr.isTTY && process.env.NODE_ENV !== 'production';
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['token', 'secret', '*.token', '*.secret', 'authorization', 'headers.authorization', 'req.headers.authorization', 'senderName', '*.senderName'],
        censor: '[redacted]',
      },
      formatters: {
        log(object) {
          for (const key of ['text', 'body', 'content'] as const) {
            const v = object[key];
            if (typeof v === 'string') object[key] = maskText(v);
          }
          return object;
        },
      },
    },
    pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true } })
      : pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, CLI commands that print their own output). */
export const silentLogger: Logger = pino({ level: 'silent' });
