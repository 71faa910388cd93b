/**
 * The adapter registry: maps the names in ADAPTERS to factories. Platform SDKs load only when their
 * adapter is on (dynamic import), so a console-only run never loads telegraf or wechaty.
 * `send-only` (netpatrol worker) builds only adapters whose `send` works from any process.
 */
import type { Config } from '../src/config/index.ts';
import type { Platform } from '../src/domain/vocabulary.ts';
import type { Adapter } from '../src/ports/adapter.ts';
import type { Store } from '../src/store/db.ts';
import { createConsoleAdapter, type ConsoleAdapter } from './console/index.ts';
import { createHttpAdapter } from './http/index.ts';

/** Adapters whose `send` works from any process (no terminal, no logged-in session). */
export const REMOTE_SEND_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['http', 'telegram', 'wechat-oa']);

export interface BuiltAdapters {
  readonly adapters: Adapter[];
  readonly console?: ConsoleAdapter;
}

export async function buildAdapters(config: Config, store: Store, mode: 'full' | 'send-only'): Promise<BuiltAdapters> {
  const adapters: Adapter[] = [];
  let consoleAdapter: ConsoleAdapter | undefined;
  for (const name of config.adapters) {
    if (mode === 'send-only' && !REMOTE_SEND_PLATFORMS.has(name)) continue;
    switch (name) {
      case 'console':
        consoleAdapter = createConsoleAdapter();
        adapters.push(consoleAdapter);
        break;
      case 'http':
        adapters.push(createHttpAdapter({ store }));
        break;
      case 'telegram': {
        const { createTelegramAdapter } = await import('./telegram/index.ts');
        if (!config.telegram) throw new Error('telegram config missing');
        adapters.push(createTelegramAdapter(config.telegram));
        break;
      }
      case 'wechat-oa': {
        const { createWechatOaAdapter } = await import('./wechat-oa/index.ts');
        if (!config.wechatOa) throw new Error('wechat-oa config missing');
        adapters.push(createWechatOaAdapter(config.wechatOa));
        break;
      }
      case 'wechat': {
        const { createWechatyAdapter } = await import('./wechat/index.ts');
        if (!config.wechaty) throw new Error('wechaty config missing');
        adapters.push(createWechatyAdapter(config.wechaty));
        break;
      }
    }
  }
  return { adapters, ...(consoleAdapter ? { console: consoleAdapter } : {}) };
}
