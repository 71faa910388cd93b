/**
 * Builds a whole netpatrol app for a test: a fresh SQLite file with the real migrations, the embedded
 * queue (or bullmq with `redisUrl`), the http adapter and a console adapter on in-memory streams,
 * HTTP on a free port. `stop()` tears everything down.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { addOfficer } from '../../src/officers/officers.ts';
import type { Adapter } from '../../src/ports/adapter.ts';
import type { BreakerOptions } from '../../src/workers/outage.ts';
import { createConsoleAdapter, type ConsoleAdapter } from '../../adapters/console/index.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { tempStore, type TempStore } from './store.ts';

export interface TestApp {
  readonly app: App;
  readonly store: TempStore;
  readonly url: string;
  readonly console: ConsoleAdapter;
  /** Everything the console printed (replies and officer cards). */
  consoleOutput(): string;
  /** Types a line into the console. */
  type(line: string): void;
  /** Adds an officer with an API token; returns the token. */
  officer(userId: string, name: string, role?: 'officer' | 'admin', platform?: 'http' | 'console' | 'telegram' | 'wechat'): string;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; json: any }>;
  get(path: string, token?: string): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export async function startTestApp(opts: { env?: Record<string, string>; redisUrl?: string; extraAdapters?: Adapter[]; now?: () => Date; sweepIntervalMs?: number; outage?: BreakerOptions } = {}): Promise<TestApp> {
  const store = tempStore();
  const config = loadConfig({
    DATABASE_URL: `file:${store.path}`,
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}` } : {}),
    ...opts.env,
  });
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString('utf8')));
  const consoleAdapter = createConsoleAdapter({ input, output, cardOutput: output, interactive: false });
  const adapters: Adapter[] = [consoleAdapter, createHttpAdapter({ store }), ...(opts.extraAdapters ?? [])];
  const app = await createApp({ config, role: 'start', adapters, logger: silentLogger, store, now: opts.now, sweepIntervalMs: opts.sweepIntervalMs ?? 60_000, ...(opts.outage ? { outage: opts.outage } : {}) });
  const url = app.url ?? '';
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON (metrics)
    }
    return { status: res.status, json: json as any };
  };
  return {
    app,
    store,
    url,
    console: consoleAdapter,
    consoleOutput: () => printed,
    type: (line) => input.write(`${line}\n`),
    officer(userId, name, role = 'officer', platform = 'http') {
      return addOfficer(store, { platform, userId, name, role }, { token: true }).token ?? '';
    },
    post: (path, body, token) => call('POST', path, body, token),
    get: (path, token) => call('GET', path, undefined, token),
    async stop() {
      input.end();
      await app.stop();
      store.cleanup();
    },
  };
}
