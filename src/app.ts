/**
 * The composition root: builds the store, queue, classifier, reply engine, review service, HTTP server
 * and workers around the adapters it is given, and stops them in order. `role: 'start'` is
 * `netpatrol start` (intake, adapters, officers' chats, local deliveries, sweeper, and WORKERS
 * triage/delivery workers); `role: 'worker'` is `netpatrol worker` (triage and delivery only, bullmq).
 */
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.ts';
import { ConfigError } from './errors.ts';
import { createHttpServer } from './http/server.ts';
import { Intake } from './intake/intake.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { Adapter, AdapterContext, ConversationHistory } from './ports/adapter.ts';
import type { ReviewChannel } from './ports/review.ts';
import { EmbeddedQueue } from './queue/embedded.ts';
import { createQueue } from './queue/index.ts';
import type { JobQueue, QueueName } from './queue/port.ts';
import { createRebuttalMatcher, handleRebuttalChatCommand, publishRebuttal } from './rebuttals/index.ts';
import { createReplyEngine, handleTplChatCommand, type ReplyEngine } from './replies/index.ts';
import { computeMonthlyReport } from './reports/monthly.ts';
import { headlineSentences } from './reports/render/md.ts';
import { ChatCommands } from './review/commands.ts';
import { ReviewService } from './review/service.ts';
import { openStore, type Store } from './store/db.ts';
import { deliveries, messages } from './store/schema.ts';
import { createDeliverHandler } from './workers/deliver.ts';
import type { BreakerOptions } from './workers/outage.ts';
import { createDispatcher, type Dispatcher } from './workers/dispatch.ts';
import { createNotifyHandler } from './workers/notify.ts';
import { createTriageBatchHandler, createTriageHandler, type MessageClassifier } from './workers/triage.ts';
import { startSweeper } from './workers/sweeper.ts';
import { startRetention } from './workers/retention.ts';
import { sendRebuttalToAskers } from './workers/rebuttal-fanout.ts';
import { createReloadingClassifier, startNightlyRetrain } from './workers/learning.ts';

export interface AppOptions {
  readonly config: Config;
  readonly role: 'start' | 'worker';
  readonly adapters: readonly Adapter[];
  readonly logger?: Logger;
  /** An already open store (tests); otherwise DATABASE_URL is opened and migrated. */
  readonly store?: Store;
  readonly classifier?: MessageClassifier;
  readonly now?: () => Date;
  readonly sweepIntervalMs?: number;
  /** Outage detection for sends (tests shorten the probe intervals). */
  readonly outage?: BreakerOptions;
}

export interface App {
  readonly config: Config;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly http?: FastifyInstance;
  readonly review: ReviewService;
  readonly commands: ChatCommands;
  readonly replies: ReplyEngine;
  readonly intake: Intake;
  readonly dispatcher: Dispatcher;
  readonly adapters: ReadonlyMap<string, Adapter>;
  /** `http://host:port` once listening (role start). */
  readonly url?: string;
  /** True when no queue holds waiting, active or delayed work and no message waits for triage. */
  idle(): Promise<boolean>;
  /** Resolves once {@link idle} has been true twice in a row. */
  waitUntilIdle(pollMs?: number): Promise<void>;
  /** Publishes a rebuttal entry and sends it to every open verify case that asked about it. */
  publishRebuttal(id: string, actor: string): Promise<{ cases: number }>;
  stop(): Promise<void>;
}

const ALL_QUEUES: QueueName[] = ['triage', 'deliver', 'deliver-local', 'notify'];

export async function createApp(options: AppOptions): Promise<App> {
  const { config, role } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  if (role === 'worker' && config.queue.driver !== 'bullmq') throw new ConfigError('REDIS_URL: `netpatrol worker` needs the bullmq queue (set REDIS_URL)');
  const store = options.store ?? openStore(config.database.path);
  const ownsStore = !options.store;
  let queue: JobQueue | undefined;
  const metrics = createMetrics(() => queue);
  try {
    queue = await createQueue(config, store, logger);
  } catch (err) {
    if (ownsStore) store.close();
    throw err;
  }
  const q = queue;
  const now = options.now ?? (() => new Date());
  const reloading = options.classifier ? undefined : createReloadingClassifier({ logger });
  const classifier = options.classifier ?? reloading!;
  const replies = createReplyEngine({ store, accountName: config.account.name });
  const rebuttals = createRebuttalMatcher(store);
  const adapters = new Map(options.adapters.map((a) => [a.platform, a] as const));
  const channels = new Map<string, ReviewChannel>();
  if (role === 'start') for (const a of options.adapters) if (a.review) channels.set(a.platform, a.review);
  const dispatcher = createDispatcher(q, () => [...channels.keys()]);
  const review = new ReviewService({ store, config, dispatcher, replies, logger, now });
  const fanoutDeps = { store, replies, dispatcher, config, now };
  const fanout = async (id: string, actor: string) => {
    const caseIds = publishRebuttal(store, id, { matcher: rebuttals, now: now() });
    return sendRebuttalToAskers(fanoutDeps, id, caseIds, actor);
  };
  const commands = new ChatCommands({
    store,
    review,
    account: config.account.id,
    tpl: (args, author) => handleTplChatCommand(store, args, author),
    rebuttal: async (args, author) => {
      let pushed = -1;
      const text = await handleRebuttalChatCommand(store, args, author, {
        onPublished: async (id, caseIds) => {
          pushed = (await sendRebuttalToAskers(fanoutDeps, id, caseIds, author)).cases;
        },
      });
      return pushed >= 0 ? `${text}\n已向 ${pushed} 位曾求证此事的群众推送辟谣。` : text;
    },
    report: async (month) => {
      const r = computeMonthlyReport(store, { month, account: config.account.id, timezone: config.reports.timezone });
      return `${headlineSentences(r).join('')}\n完整报表：netpatrol report --month ${month} --format xlsx --out 月报.xlsx`;
    },
  });
  const intake = new Intake({ store, queue: q, logger, metrics, now, urgency: (text) => (text && classifier.classify(text).intent === 'emergency' ? 0 : 5) });

  const history: ConversationHistory = {
    async lastInboundAt(platform, conversationId) {
      const r = store.db.select({ t: messages.receivedAt }).from(messages).where(and(eq(messages.platform, platform), eq(messages.conversationId, conversationId))).orderBy(desc(messages.receivedAt)).limit(1).get();
      return r ? new Date(r.t) : null;
    },
    async sentSince(platform, conversationId, since) {
      const r = store.db.select({ n: sql<number>`count(*)` }).from(deliveries).where(and(eq(deliveries.platform, platform), eq(deliveries.conversationId, conversationId), eq(deliveries.status, 'sent'), gt(deliveries.sentAt, since.getTime()))).get();
      return r?.n ?? 0;
    },
  };

  let http: FastifyInstance | undefined;
  if (role === 'start') {
    http = createHttpServer({
      config,
      logger,
      metrics,
      store,
      queue: () => queue,
      review,
      monthlyReport: (month, account) => computeMonthlyReport(store, { month, account, timezone: config.reports.timezone }),
    });
  }
  const ctx: AdapterContext = { config, logger, intake, commands, http, history, mode: role === 'start' ? 'full' : 'send-only' };
  const started: Adapter[] = [];
  let sweeper: { stop(): Promise<void> } | undefined;
  let nightly: { stop(): void } | undefined;
  let retention: { stop(): Promise<void> } | undefined;
  let url: string | undefined;

  const stop = async () => {
    nightly?.stop();
    await retention?.stop();
    await sweeper?.stop();
    for (const a of [...started].reverse()) await a.stop().catch((err: unknown) => logger.warn({ adapter: a.platform, err: String(err) }, 'adapter stop failed'));
    await http?.close();
    await q.close();
    if (ownsStore) store.close();
  };

  try {
    for (const a of options.adapters) {
      await a.start(ctx);
      started.push(a);
    }
    const onTrouble = async (deliveryId: string) => {
      const d = store.db.select({ draftId: deliveries.draftId }).from(deliveries).where(eq(deliveries.id, deliveryId)).get();
      if (d) await dispatcher.announce(d.draftId, 'trouble');
    };
    const deliver = createDeliverHandler({ store, adapters, logger, metrics, now, onTrouble, ...(options.outage ? { outage: options.outage } : {}) });
    const workers = role === 'worker' ? Math.max(1, config.workers) : config.workers;
    if (workers > 0) {
      const triageDeps = { store, config, classifier, replies, rebuttals, dispatcher, logger, metrics, now };
      // Embedded: triage in batches, several messages and their delivery jobs per commit.
      const batch = q instanceof EmbeddedQueue ? createTriageBatchHandler(triageDeps) : null;
      if (q instanceof EmbeddedQueue && batch) q.processBatch('triage', batch, { max: 8 });
      else q.process('triage', createTriageHandler(triageDeps), { concurrency: workers });
      q.process('deliver', deliver, { concurrency: Math.max(2, workers * 2) });
    }
    if (role === 'start') {
      q.process('deliver-local', deliver, { concurrency: 1 });
      q.process('notify', createNotifyHandler({ store, config, channels, now }), { concurrency: 1 });
      sweeper = startSweeper({ store, queue: q, dispatcher, config, logger, now }, options.sweepIntervalMs);
      retention = startRetention({ store, config, logger, now });
      nightly = startNightlyRetrain({ store, timezone: config.reports.timezone, logger, classifier: reloading });
      if (http) {
        url = await http.listen({ host: config.http.host, port: config.http.port });
        logger.info({ url, queue: config.queue.driver, adapters: config.adapters }, 'netpatrol is up');
      }
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const idle = async () => {
    for (const name of ALL_QUEUES) {
      const c = await q.counts(name);
      if (c.waiting + c.active + c.delayed > 0) return false;
    }
    const waiting = store.db.select({ id: messages.id }).from(messages).where(eq(messages.status, 'received')).limit(1).get();
    const unsent = store.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.status, 'approved')).limit(1).get();
    return !waiting && !unsent;
  };

  return {
    config,
    store,
    queue: q,
    logger,
    metrics,
    http,
    review,
    commands,
    replies,
    intake,
    dispatcher,
    adapters,
    url,
    idle,
    async waitUntilIdle(pollMs = 50) {
      let streak = 0;
      while (streak < 2) {
        streak = (await idle()) ? streak + 1 : 0;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    publishRebuttal: fanout,
    stop,
  };
}

