/**
 * One zod schema over the environment, parsed once at start-up into a nested, frozen config.
 * Platform variables are checked only when that adapter is on, so a console-only run needs no token.
 * Any problem stops start-up with one message naming the variable ({@link ConfigError}, exit 2).
 */
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { PLATFORMS, type Platform } from '../domain/vocabulary.ts';
import { TimeZoneSchema } from '../domain/schemas.ts';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = z.string().url();

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .default('file:./data/netpatrol.db')
    .refine((v) => v.startsWith('file:') || v === ':memory:', 'must be file:PATH (SQLite) or :memory:'),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
  QUEUE_LEASE_MS: int(500, 10 * 60_000).default(30_000),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('netpatrol'),
  ADAPTERS: z
    .string()
    .default('console,http')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(PLATFORMS, { message: `each adapter must be one of ${PLATFORMS.join(', ')}` }))),
  WORKERS: int(0, 64).default(1),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: int(0, 65535).default(8080),
  HTTP_INBOUND_TOKEN: optionalString,
  HTTP_BODY_LIMIT: int(1024, 10 * 1024 * 1024).default(256 * 1024),
  ACCOUNT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (1-64)').default('default'),
  ACCOUNT_NAME: z.string().default('网警巡查执法'),
  CASE_PREFIX: z.string().regex(/^[A-Z]{1,6}$/, '1-6 capital letters').default('NP'),
  CASE_JOIN_MINUTES: int(0, 24 * 60).default(10),
  REVIEW_REMINDER_MINUTES: int(1, 24 * 60).default(30),
  FOUR_EYES: bool.default(true),
  DEPARTMENTS: z
    .string()
    .default('刑侦,治安,禁毒,经侦,反诈中心,网信办,市场监管')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  CONSOLE_OFFICER_ID: z.string().default('console-officer'),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: url.default('https://api.telegram.org'),
  TELEGRAM_OFFICERS_CHAT_ID: optionalString,
  TELEGRAM_WEBHOOK_URL: optionalString.pipe(url.optional()),
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  WECHAT_OA_TOKEN: optionalString,
  WECHAT_OA_APPID: optionalString,
  WECHAT_OA_SECRET: optionalString,
  WECHAT_OA_AES_KEY: optionalString.pipe(z.string().length(43, 'must be the 43-character EncodingAESKey').optional()),
  WECHAT_OA_API_ROOT: url.default('https://api.weixin.qq.com'),
  WECHATY_PUPPET: z.string().default('wechaty-puppet-wechat4u'),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHAT_OFFICERS_ROOM: optionalString,
  WECHAT_DAILY_CAP: int(1, 100_000).default(500),
  REPORT_TIMEZONE: TimeZoneSchema.default('Asia/Shanghai'),
  RETENTION_DAYS: int(1, 36500).default(365),
  RATE_LIMIT_PER_MINUTE: int(1, 10_000).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly database: { readonly url: string; readonly path: string };
  readonly queue: { readonly driver: 'embedded' | 'bullmq'; readonly redisUrl?: string; readonly prefix: string; readonly leaseMs: number };
  readonly adapters: readonly Platform[];
  readonly workers: number;
  readonly http: { readonly host: string; readonly port: number; readonly inboundToken?: string; readonly bodyLimit: number };
  readonly account: { readonly id: string; readonly name: string; readonly casePrefix: string };
  readonly cases: { readonly joinWindowMs: number };
  readonly review: {
    readonly reminderMs: number;
    readonly fourEyes: boolean;
    readonly departments: readonly string[];
    readonly consoleOfficerId: string;
  };
  readonly telegram?: {
    readonly token: string;
    readonly apiRoot: string;
    readonly officersChatId?: string;
    readonly webhookUrl?: string;
    readonly webhookSecret?: string;
  };
  readonly wechatOa?: {
    readonly token: string;
    readonly appId: string;
    readonly secret: string;
    readonly aesKey?: string;
    readonly apiRoot: string;
  };
  readonly wechaty?: {
    readonly puppet: string;
    readonly puppetToken?: string;
    readonly officersRoom?: string;
    readonly dailyCap: number;
  };
  readonly reports: { readonly timezone: string };
  readonly retentionDays: number;
  readonly rateLimitPerMinute: number;
  readonly logLevel: Env['LOG_LEVEL'];
}

function fail(variable: string, problem: string): never {
  throw new ConfigError(`${variable}: ${problem}`);
}

/** Parses the environment. Throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    fail(variable, issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const adapters = [...new Set(e.ADAPTERS)];

  let telegram: Config['telegram'];
  if (adapters.includes('telegram')) {
    if (!e.TELEGRAM_BOT_TOKEN) fail('TELEGRAM_BOT_TOKEN', 'required when ADAPTERS includes telegram');
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(e.TELEGRAM_BOT_TOKEN)) fail('TELEGRAM_BOT_TOKEN', 'does not look like a bot token (123456:ABC…)');
    if (e.TELEGRAM_OFFICERS_CHAT_ID && !/^-?\d+$/.test(e.TELEGRAM_OFFICERS_CHAT_ID))
      fail('TELEGRAM_OFFICERS_CHAT_ID', 'must be a numeric chat id such as -1001234567890');
    if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET)
      fail('TELEGRAM_WEBHOOK_SECRET', 'required when TELEGRAM_WEBHOOK_URL is set (webhooks must be verified)');
    telegram = {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      officersChatId: e.TELEGRAM_OFFICERS_CHAT_ID,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    };
  }

  let wechatOa: Config['wechatOa'];
  if (adapters.includes('wechat-oa')) {
    if (!e.WECHAT_OA_TOKEN) fail('WECHAT_OA_TOKEN', 'required when ADAPTERS includes wechat-oa');
    if (!e.WECHAT_OA_APPID) fail('WECHAT_OA_APPID', 'required when ADAPTERS includes wechat-oa');
    if (!e.WECHAT_OA_SECRET) fail('WECHAT_OA_SECRET', 'required when ADAPTERS includes wechat-oa');
    wechatOa = {
      token: e.WECHAT_OA_TOKEN,
      appId: e.WECHAT_OA_APPID,
      secret: e.WECHAT_OA_SECRET,
      aesKey: e.WECHAT_OA_AES_KEY,
      apiRoot: e.WECHAT_OA_API_ROOT.replace(/\/+$/, ''),
    };
  }

  let wechaty: Config['wechaty'];
  if (adapters.includes('wechat')) {
    wechaty = {
      puppet: e.WECHATY_PUPPET,
      puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
      officersRoom: e.WECHAT_OFFICERS_ROOM,
      dailyCap: e.WECHAT_DAILY_CAP,
    };
  }

  if (!e.REDIS_URL && e.WORKERS === 0) fail('WORKERS', '0 is only allowed with REDIS_URL (the embedded queue needs an in-process worker)');

  const config: Config = {
    database: { url: e.DATABASE_URL, path: e.DATABASE_URL === ':memory:' ? ':memory:' : e.DATABASE_URL.slice('file:'.length) },
    queue: { driver: e.REDIS_URL ? 'bullmq' : 'embedded', redisUrl: e.REDIS_URL, prefix: e.QUEUE_PREFIX, leaseMs: e.QUEUE_LEASE_MS },
    adapters,
    workers: e.WORKERS,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, inboundToken: e.HTTP_INBOUND_TOKEN, bodyLimit: e.HTTP_BODY_LIMIT },
    account: { id: e.ACCOUNT_ID, name: e.ACCOUNT_NAME, casePrefix: e.CASE_PREFIX },
    cases: { joinWindowMs: e.CASE_JOIN_MINUTES * 60_000 },
    review: {
      reminderMs: e.REVIEW_REMINDER_MINUTES * 60_000,
      fourEyes: e.FOUR_EYES,
      departments: e.DEPARTMENTS,
      consoleOfficerId: e.CONSOLE_OFFICER_ID,
    },
    telegram,
    wechatOa,
    wechaty,
    reports: { timezone: e.REPORT_TIMEZONE },
    retentionDays: e.RETENTION_DAYS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
