/**
 * The chaos run (issue 9 "Faults"): messages through real netpatrol processes while they are killed,
 * then a check that nothing was lost and nothing was sent twice.
 *
 * Scenarios (each on a fresh temp folder, database and AOF-enabled private redis-server):
 * - `bullmq`: an intake-only `netpatrol start` (WORKERS=0) and two `netpatrol worker` processes; a
 *   worker is killed with SIGKILL `--kills` times at random moments and started again.
 * - `redis`: the same deployment (no kills); Redis is restarted `--redis-restarts` times mid-run
 *   (SIGTERM, which flushes the AOF, then started again on the same port and folder).
 * - `embedded`: `netpatrol start` alone (ADAPTERS=http, stdin /dev/null), killed with SIGKILL `--kills`
 *   times and started again; the load generator re-posts what the dead process did not acknowledge,
 *   as a platform re-delivers a webhook.
 * Verified afterwards: every posted message stored exactly once and triaged; every automatic draft has
 * exactly one delivery, `sent` once (a kill between `sending` and `sent` leaves it `uncertain`, never
 * sent again); sent deliveries per conversation match the drafts, in the database and through
 * `GET /v1/conversations/:id/replies`; every queue idle with no dead letters.
 *
 * Prints progress on stderr and a JSON summary as the last line of stdout; exits 1 on any violation.
 * Usage: node bin/run-ts.mjs scripts/chaos.ts [--messages 1000] [--kills 10] [--redis-restarts 2]
 *        [--scenarios bullmq,redis,embedded] [--rate 40] [--lease-ms MS] [--seed 1] [--keep]
 * `--lease-ms` shortens the queue leases in the children (QUEUE_LEASE_MS) so a killed
 * job is retaken in seconds; without it the production leases apply (30 s; recovery up to ~60 s).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BullQueue } from '../src/queue/bullmq.ts';
import type { QueueName } from '../src/queue/port.ts';
import { startCluster, type Cluster } from './lib/cluster.ts';
import { makeMessages, sendMessages, type OutMessage } from './lib/load.ts';
import { checkExactlyOnce, openReadOnly, waitDrained, type Db, type ExactlyOnceReport, type Violation } from './lib/observe.ts';
import { sleep, startRedis, type RedisServer } from './lib/procs.ts';
import { rng, citizenTexts } from './lib/texts.ts';

export type Scenario = 'bullmq' | 'redis' | 'embedded';
export const SCENARIOS: readonly Scenario[] = ['bullmq', 'redis', 'embedded'];

export interface ChaosOptions {
  readonly messages: number;
  readonly kills: number;
  readonly redisRestarts: number;
  readonly scenarios: readonly Scenario[];
  /** Messages posted per second (so the faults land while work is in flight). */
  readonly rate: number;
  /** Queue lease in the children, ms; undefined = production leases. */
  readonly leaseMs?: number;
  readonly seed: number;
  /** Keep temp folders (for a post-mortem). */
  readonly keep?: boolean;
  /** Progress lines; default stderr. */
  readonly log?: (line: string) => void;
}

export interface QueueState {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly ok: boolean;
  readonly messages: number;
  readonly kills: number;
  readonly redisRestarts: number;
  /** POSTs that failed (the process was down) and were sent again. */
  readonly postRetries: number;
  /** POSTs answered 200 duplicate: the message had been stored before the process died. */
  readonly duplicatesAnswered: number;
  readonly durationMs: number;
  readonly drainMs: number;
  readonly queues: Partial<Record<QueueName, QueueState>>;
  readonly repliesSeenOverHttp: number;
  readonly check: ExactlyOnceReport;
  readonly violations: Violation[];
  readonly dir?: string;
}

export interface ChaosSummary {
  readonly ok: boolean;
  readonly options: Omit<ChaosOptions, 'log'>;
  readonly scenarios: ScenarioResult[];
}

const QUEUE_NAMES: QueueName[] = ['triage', 'deliver', 'deliver-local', 'notify'];

/** How long to wait for recovery after the load: a lost lease is retaken within lease + stalled interval. */
function recoveryBudgetMs(o: ChaosOptions): number {
  return o.leaseMs ? Math.max(30_000, o.leaseMs * 20) : 180_000;
}

/** Runs `faults` fault injections at random moments spread over `windowMs`. */
async function atRandomMoments(r: () => number, faults: number, windowMs: number, inject: (i: number) => Promise<void>): Promise<void> {
  const moments = Array.from({ length: faults }, () => r() * windowMs).sort((a, b) => a - b);
  const t0 = Date.now();
  for (let i = 0; i < moments.length; i++) {
    const wait = t0 + (moments[i] as number) - Date.now();
    if (wait > 0) await sleep(wait);
    await inject(i);
  }
}

async function queueStateBull(redisUrl: string, prefix: string): Promise<{ queues: Partial<Record<QueueName, QueueState>>; busy: number; failed: number; dead: string[] }> {
  const q = new BullQueue({ url: redisUrl, prefix });
  try {
    const queues: Partial<Record<QueueName, QueueState>> = {};
    let busy = 0;
    let failed = 0;
    const dead: string[] = [];
    for (const name of QUEUE_NAMES) {
      const c = await q.counts(name);
      queues[name] = c;
      busy += c.waiting + c.active + c.delayed;
      failed += c.failed;
      if (c.failed) for (const d of await q.deadLetters(name)) dead.push(`${name}/${d.id}: ${d.error}`);
    }
    return { queues, busy, failed, dead };
  } finally {
    await q.close();
  }
}

function queueStateEmbedded(db: Db): { queues: Partial<Record<QueueName, QueueState>>; busy: number; failed: number; dead: string[] } {
  const rows = db.prepare(`SELECT queue, state, COUNT(*) AS n FROM jobs GROUP BY queue, state`).all() as { queue: QueueName; state: string; n: number }[];
  const queues: Partial<Record<QueueName, QueueState>> = {};
  let busy = 0;
  let failed = 0;
  for (const name of QUEUE_NAMES) {
    const of = (state: string) => rows.find((r) => r.queue === name && r.state === state)?.n ?? 0;
    const s = { waiting: of('waiting'), active: of('active'), delayed: 0, failed: of('failed') };
    queues[name] = s;
    busy += s.waiting + s.active;
    failed += s.failed;
  }
  const dead = (db.prepare(`SELECT id, last_error AS e FROM jobs WHERE state = 'failed' LIMIT 20`).all() as { id: string; e: string | null }[]).map((d) => `${d.id}: ${d.e ?? ''}`);
  return { queues, busy, failed, dead };
}

/** Counts the replies each conversation shows through the public API (what a citizen would see). */
async function repliesOverHttp(base: string, msgs: readonly OutMessage[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const m = msgs[next++];
      if (!m) return;
      const res = await fetch(`${base}/v1/conversations/${encodeURIComponent(m.conversationId)}/replies`);
      const body = (await res.json()) as unknown[];
      out.set(m.conversationId, Array.isArray(body) ? body.length : -1);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}

async function runScenario(scenario: Scenario, o: ChaosOptions, log: (l: string) => void): Promise<ScenarioResult> {
  const began = Date.now();
  const r = rng(o.seed * 7919 + SCENARIOS.indexOf(scenario));
  const nodeArgs: string[] = [];
  const env: Record<string, string> = o.leaseMs ? { QUEUE_LEASE_MS: String(o.leaseMs) } : {};
  let redis: RedisServer | undefined;
  let cluster: Cluster | undefined;
  let db: Db | undefined;
  try {
    if (scenario !== 'embedded') redis = await startRedis({ aof: true });
    cluster =
      scenario === 'embedded'
        ? await startCluster({ mode: 'embedded', nodeArgs, env })
        : await startCluster({ mode: 'bullmq', workers: 2, redisUrl: redis?.url, nodeArgs, env });
    const c = cluster;
    db = openReadOnly(c.dbPath);
    const msgs = makeMessages(citizenTexts(o.messages, o.seed), `chaos-${scenario}`);
    const sendWindowMs = (o.messages / o.rate) * 1000;
    const kills = scenario === 'redis' ? 0 : o.kills;
    const restarts = scenario === 'redis' ? o.redisRestarts : 0;
    // Leave room for each restarted process to boot before the next fault.
    const faultWindowMs = Math.max(sendWindowMs, (kills + restarts) * (scenario === 'embedded' ? 3000 : 1500));
    log(`[${scenario}] ${o.messages} messages at ${o.rate}/s; ${kills} kills, ${restarts} Redis restarts over ${(faultWindowMs / 1000).toFixed(1)} s`);

    const faults = atRandomMoments(r, kills + restarts, faultWindowMs, async (i) => {
      if (scenario === 'bullmq') {
        const w = Math.floor(r() * c.workers.length);
        const victim = c.workers[w];
        if (!victim) return;
        victim.proc.kill('SIGKILL');
        await victim.exited;
        await sleep(100 + r() * 700);
        c.restartWorker(w);
        log(`[${scenario}] kill ${i + 1}: worker ${w} (pid ${victim.pid}) killed and restarted`);
      } else if (scenario === 'embedded') {
        const victim = c.start;
        victim.proc.kill('SIGKILL');
        await victim.exited;
        await sleep(100 + r() * 400);
        await c.restartStart();
        log(`[${scenario}] kill ${i + 1}: start (pid ${victim.pid}) killed and restarted`);
      } else {
        await redis?.restart(300 + r() * 1200);
        log(`[${scenario}] Redis restart ${i + 1} done`);
      }
    });
    const load = sendMessages(c.base, msgs, { ratePerSec: o.rate, concurrency: 8, retry: true, deadlineMs: faultWindowMs + recoveryBudgetMs(o) + 60_000 });
    const [res] = await Promise.all([load, faults]);
    const sentAt = Date.now();
    log(`[${scenario}] all ${msgs.length} messages accepted (${res.retries} re-posts); waiting for the queues to drain`);

    const budget = recoveryBudgetMs(o);
    let drainError: string | undefined;
    try {
      await waitDrained(db, msgs.length, budget);
    } catch (err) {
      drainError = err instanceof Error ? err.message : String(err);
    }
    // Then the queues themselves must be idle (no job left behind, e.g. a delayed retry).
    const idleBy = Date.now() + (drainError ? 0 : budget);
    let qs = scenario === 'embedded' ? queueStateEmbedded(db) : await queueStateBull(redis?.url ?? '', c.prefix);
    while (qs.busy > 0 && Date.now() < idleBy) {
      await sleep(250);
      qs = scenario === 'embedded' ? queueStateEmbedded(db) : await queueStateBull(redis?.url ?? '', c.prefix);
    }
    const drainMs = Date.now() - sentAt;

    const check = checkExactlyOnce(db, msgs.map((m) => m.messageId));
    const violations = [...check.violations];
    if (drainError) violations.push({ kind: 'not_drained', detail: drainError });
    if (qs.busy > 0) violations.push({ kind: 'queue_not_idle', detail: JSON.stringify(qs.queues) });
    if (qs.failed > 0) violations.push({ kind: 'dead_letters', detail: qs.dead.slice(0, 10).join('; ') });

    const seen = await repliesOverHttp(c.base, msgs);
    const sentPerConv = new Map(
      (db.prepare(`SELECT conversation_id AS conv, COUNT(*) AS n FROM deliveries WHERE status = 'sent' GROUP BY conversation_id`).all() as { conv: string; n: number }[]).map((x) => [x.conv, x.n]),
    );
    let repliesSeen = 0;
    for (const [conv, n] of seen) {
      repliesSeen += Math.max(0, n);
      if (n !== (sentPerConv.get(conv) ?? 0)) violations.push({ kind: 'http_replies_mismatch', detail: `${conv}: API shows ${n}, ${sentPerConv.get(conv) ?? 0} sent` });
    }
    const duplicatesAnswered = [...res.status.values()].filter((s) => s === 200).length;
    const result: ScenarioResult = {
      scenario,
      ok: violations.length === 0,
      messages: msgs.length,
      kills,
      redisRestarts: restarts,
      postRetries: res.retries,
      duplicatesAnswered,
      durationMs: Date.now() - began,
      drainMs,
      queues: qs.queues,
      repliesSeenOverHttp: repliesSeen,
      check: { ...check, violations: [] },
      violations,
      ...(o.keep ? { dir: c.dir } : {}),
    };
    log(
      `[${scenario}] ${result.ok ? 'OK' : 'VIOLATIONS'}: ${check.messagesStored} stored, ${check.deliveriesSent} sent, ${check.deliveriesUncertain} uncertain of ${check.autoDrafts} automatic drafts; ` +
        `${duplicatesAnswered} duplicate answers; drained in ${(drainMs / 1000).toFixed(1)} s`,
    );
    for (const v of violations.slice(0, 20)) log(`  ${v.kind}: ${v.detail}`);
    return result;
  } finally {
    db?.close();
    await cluster?.stop(o.keep);
    await redis?.stop();
  }
}

/** Runs the chosen scenarios one after the other. */
export async function runChaos(o: ChaosOptions): Promise<ChaosSummary> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const scenarios: ScenarioResult[] = [];
  for (const s of o.scenarios) scenarios.push(await runScenario(s, o, log));
  const { log: _log, ...options } = o;
  return { ok: scenarios.every((s) => s.ok), options, scenarios };
}

function parseArgs(argv: string[]): ChaosOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number): number => {
    const v = value(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not ${v}`);
    return n;
  };
  const scenarios = (value('--scenarios') ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()) as Scenario[];
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (use ${SCENARIOS.join(', ')})`);
  const leaseMs = value('--lease-ms');
  return {
    messages: Math.max(1, Math.floor(num('--messages', 1000))),
    kills: Math.floor(num('--kills', 10)),
    redisRestarts: Math.floor(num('--redis-restarts', 2)),
    scenarios,
    rate: Math.max(1, num('--rate', 40)),
    leaseMs: leaseMs === undefined ? undefined : num('--lease-ms', 0) || undefined,
    seed: Math.floor(num('--seed', 1)),
    keep: argv.includes('--keep'),
  };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  runChaos(parseArgs(process.argv.slice(2))).then(
    (summary) => {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      process.exit(summary.ok ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
