import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { ConfigError } from '../../src/errors.ts';

describe('config', () => {
  it('runs on embedded defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      database: { path: './data/netpatrol.db' },
      queue: { driver: 'embedded' },
      adapters: ['console', 'http'],
      workers: 1,
      http: { host: '127.0.0.1', port: 8080 },
      account: { id: 'default', casePrefix: 'NP' },
      reports: { timezone: 'Asia/Shanghai' },
    });
    expect(c.telegram).toBeUndefined();
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('names the variable and the problem', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ HTTP_PORT: 'x' }, /^HTTP_PORT: /],
      [{ ADAPTERS: 'console,fax' }, /^ADAPTERS/],
      [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL: must start with redis:\/\//],
      [{ CASE_PREFIX: 'np' }, /^CASE_PREFIX: /],
      [{ REPORT_TIMEZONE: 'Mars/Olympus' }, /^REPORT_TIMEZONE: not a known IANA time zone/],
      [{ ADAPTERS: 'telegram' }, /^TELEGRAM_BOT_TOKEN: required/],
      [{ ADAPTERS: 'wechat-oa', WECHAT_OA_TOKEN: 't' }, /^WECHAT_OA_APPID: required/],
      [{ WORKERS: '0' }, /^WORKERS: /],
    ];
    for (const [env, re] of cases) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(re);
    }
  });

  it('needs no Telegram token for a WeChat-only deployment', () => {
    const c = loadConfig({ ADAPTERS: 'wechat-oa', WECHAT_OA_TOKEN: 't', WECHAT_OA_APPID: 'wx1', WECHAT_OA_SECRET: 's' });
    expect(c.wechatOa?.appId).toBe('wx1');
    expect(c.telegram).toBeUndefined();
  });
});
