/**
 * `npm run bench` — netpatrol's benchmarks on this machine (issue 9 "Benchmarks", docs/BENCHMARKS.md).
 *
 * Every figure is the median of `--reps` repetitions (default 3), each on a fresh temp folder and
 * database; HTTP only on 127.0.0.1; a private redis-server on a free port; every child process stops
 * with the run. Measured:
 * - classifier messages/s on one core (`loadClassifier().classify` over generated texts, no rebuttal match);
 * - end-to-end throughput, HTTP POST → classify → draft → automatic reply `sent` in `deliveries`, with
 *   p50/p99 latency (POST → the message's first reply's `sent_at`), for the embedded driver
 *   (`netpatrol start`) and for bullmq with one and two `netpatrol worker` processes behind an
 *   intake-only `netpatrol start` (WORKERS=0) — all real child processes;
 * - latency paced at 200 msg/s (the p99 < 50 ms target), apart from the maximum-throughput runs;
 * - a bare BullMQ worker (no-op handler, concurrency 1 like our triage worker) in this process;
 * - a 10,000-message burst in embedded mode: time to drain, and the first reply of one emergency sent
 *   in the middle of it;
 * - peak RSS (VmHWM) of the `netpatrol start` process;
 * - the chaos run (scripts/chaos.ts) at full size: 1,000 messages per scenario — bullmq with a worker
 *   SIGKILLed 10 times, Redis restarted twice (AOF), the embedded process SIGKILLed 10 times — with
 *   production leases; exactly-once checked afterwards (quick: 100 messages, 3 kills, 1.5 s leases).
 * Prints a table, then as the LAST line one JSON object (DESIGN.md "npm run bench").
 *
 * Usage: npm run bench [-- --quick] [-- --reps N] [-- --burst-reps N] [-- --skip-burst] [-- --skip-chaos]
 * The full run takes about 10 minutes on 2 cores, most of it the burst (one repetition by default).
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadClassifier } from '../src/classify/index.ts';
import { measureSpeed } from './bench-classifier.ts';
import { runChaos, SCENARIOS, type ChaosSummary } from './chaos.ts';
import { startCluster } from './lib/cluster.ts';
import { makeMessages, sendMessages, type OutMessage } from './lib/load.ts';
import { firstReplies, lastSentAt, openReadOnly, waitDrained } from './lib/observe.ts';
import { peakRssMb, startRedis, type RedisServer } from './lib/procs.ts';
import { median, percentile, round } from './lib/stats.ts';
import { citizenTexts, EMERGENCY_TEXT } from './lib/texts.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const REPS = repsArg >= 0 ? Math.max(1, Number(args[repsArg + 1])) : 3;
const SKIP_BURST = args.includes('--skip-burst');
const SKIP_CHAOS = args.includes('--skip-chaos');

/** Sizes: the full run stays under ~10 minutes on 2 cores; --quick under ~2. */
const SIZE = quick
  ? { classifierSeconds: 0.5, warmup: 30, throughputN: 150, pacedSeconds: 2, lightSeconds: 2, burstN: 1000, bareN: 2000 }
  : { classifierSeconds: 2, warmup: 100, throughputN: 400, pacedSeconds: 2, lightSeconds: 4, burstN: 10_000, bareN: 10_000 };
/** The 10,000-message burst takes minutes at today's throughput: one repetition unless asked. */
const burstArg = args.indexOf('--burst-reps');
const BURST_REPS = burstArg >= 0 ? Math.max(1, Number(args[burstArg + 1])) : quick ? REPS : 1;
const PACED_RATE = 200;
const LIGHT_RATE = 20;
const CONCURRENCY = 32;
const DRAIN_TIMEOUT_MS = quick ? 120_000 : 600_000;

interface E2eRun {
  readonly msgsPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly startRssMb: number | null;
  readonly workerRssMb: number | null;
  readonly drainMs: number;
  readonly ingestPerSec: number;
  /** 99th percentile of how long a POST /v1/messages took to be answered. */
  readonly postP99: number;
  readonly emergencyMs?: number;
}

type Mode = { readonly mode: 'embedded' } | { readonly mode: 'bullmq'; readonly workers: number };

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

let seed = 1;
function batch(n: number, tag: string): OutMessage[] {
  return makeMessages(citizenTexts(n, seed++), tag);
}

/**
 * One end-to-end run on a fresh deployment: warm up, then send `n` messages (at `rate`, or as fast as
 * CONCURRENCY allows), wait until every reply is sent, and read latencies from the database.
 * With `emergencyAt`, the emergency text replaces message number `emergencyAt`.
 */
async function e2e(mode: Mode, redis: RedisServer | undefined, n: number, opts: { rate?: number; emergencyAt?: number; concurrency?: number } = {}): Promise<E2eRun> {
  const cluster = await startCluster(mode.mode === 'bullmq' ? { mode: 'bullmq', workers: mode.workers, redisUrl: redis?.url } : { mode: 'embedded' });
  const db = openReadOnly(cluster.dbPath);
  try {
    const warm = batch(SIZE.warmup, 'warm');
    await sendMessages(cluster.base, warm, { concurrency: 8 });
    await waitDrained(db, warm.length, 120_000);
    let msgs = batch(n, 'run');
    if (opts.emergencyAt !== undefined) msgs = msgs.map((m, i) => (i === opts.emergencyAt ? { ...m, messageId: 'emergency', text: EMERGENCY_TEXT } : m));
    const res = await sendMessages(cluster.base, msgs, { concurrency: opts.concurrency ?? CONCURRENCY, ratePerSec: opts.rate });
    await waitDrained(db, warm.length + n, DRAIN_TIMEOUT_MS);
    const replies = firstReplies(db);
    const latencies: number[] = [];
    for (const m of msgs) {
      const sent = replies.get(m.messageId);
      const posted = res.postedAt.get(m.messageId);
      if (sent !== undefined && posted !== undefined) latencies.push(sent - posted);
    }
    const last = lastSentAt(db) ?? Date.now();
    const drainMs = last - res.startedAt;
    const emergencySent = replies.get('emergency');
    const emergencyPosted = res.postedAt.get('emergency');
    return {
      msgsPerSec: n / (drainMs / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      startRssMb: peakRssMb(cluster.start.pid),
      workerRssMb: cluster.workers.length ? Math.max(...cluster.workers.map((w) => peakRssMb(w.pid) ?? 0)) : null,
      drainMs,
      ingestPerSec: n / ((res.finishedAt - res.startedAt) / 1000),
      postP99: percentile(res.postMs, 99),
      ...(emergencySent !== undefined && emergencyPosted !== undefined ? { emergencyMs: emergencySent - emergencyPosted } : {}),
    };
  } finally {
    db.close();
    await cluster.stop();
  }
}

/** A BullMQ worker that does nothing, concurrency 1, draining `n` jobs added beforehand. */
async function bareBullmq(redis: RedisServer, n: number): Promise<number> {
  const prefix = `bare${seed++}`;
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix });
  try {
    for (let i = 0; i < n; i += 1000)
      await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'bare', data: { messageId: `m${i + k}` }, opts: { removeOnComplete: true } })));
    let done = 0;
    let finished: () => void = () => undefined;
    const all = new Promise<void>((r) => (finished = r));
    const started = performance.now();
    const worker = new Worker('bare', async () => undefined, { connection: connection.duplicate({ maxRetriesPerRequest: null }), prefix, concurrency: 1 });
    worker.on('completed', () => {
      if (++done === n) finished();
    });
    await all;
    const perSec = n / ((performance.now() - started) / 1000);
    await worker.close();
    return perSec;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

async function reps<T>(label: string, fn: (rep: number) => Promise<T>, count = REPS): Promise<T[]> {
  const out: T[] = [];
  for (let r = 0; r < count; r++) {
    const t0 = Date.now();
    out.push(await fn(r));
    log(`  ${label} rep ${r + 1}/${count} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${JSON.stringify(out[out.length - 1], (_k, v: unknown) => (typeof v === 'number' ? round(v, 1) : v))}`);
  }
  return out;
}

function med<T>(runs: T[], key: (r: T) => number | null | undefined): number {
  return median(runs.map(key).filter((x): x is number => typeof x === 'number' && Number.isFinite(x)));
}

async function main(): Promise<void> {
  const began = Date.now();
  log(`netpatrol bench (${quick ? 'quick' : 'full'}, ${REPS} repetitions each)`);

  log('classifier, one core');
  const texts = citizenTexts(3000, 99).concat([EMERGENCY_TEXT]);
  const classifier = loadClassifier();
  const classifierRuns = await reps('classifier', async () => measureSpeed(classifier, texts, SIZE.classifierSeconds));

  const redis = await startRedis();
  try {
    log('bare BullMQ worker');
    const bareRuns = await reps('bare bullmq', () => bareBullmq(redis, SIZE.bareN));

    log(`end-to-end, maximum throughput (${SIZE.throughputN} messages, ${CONCURRENCY} in flight)`);
    const embeddedRuns = await reps('embedded', () => e2e({ mode: 'embedded' }, undefined, SIZE.throughputN));
    const bull1Runs = await reps('bullmq 1 worker', () => e2e({ mode: 'bullmq', workers: 1 }, redis, SIZE.throughputN));
    const bull2Runs = await reps('bullmq 2 workers', () => e2e({ mode: 'bullmq', workers: 2 }, redis, SIZE.throughputN));

    log(`latency paced at ${PACED_RATE} msg/s for ${SIZE.pacedSeconds} s, and at ${LIGHT_RATE} msg/s`);
    const pacedRuns = await reps(`embedded @${PACED_RATE}/s`, () => e2e({ mode: 'embedded' }, undefined, PACED_RATE * SIZE.pacedSeconds, { rate: PACED_RATE }));
    const pacedBullRuns = await reps(`bullmq 2w @${PACED_RATE}/s`, () => e2e({ mode: 'bullmq', workers: 2 }, redis, PACED_RATE * SIZE.pacedSeconds, { rate: PACED_RATE }));
    const lightRuns = await reps(`embedded @${LIGHT_RATE}/s`, () => e2e({ mode: 'embedded' }, undefined, LIGHT_RATE * SIZE.lightSeconds, { rate: LIGHT_RATE }));

    let burstRuns: E2eRun[] = [];
    if (!SKIP_BURST) {
      log(`burst: ${SIZE.burstN} messages in embedded mode, one emergency in the middle`);
      burstRuns = await reps('burst', () => e2e({ mode: 'embedded' }, undefined, SIZE.burstN, { emergencyAt: Math.floor(SIZE.burstN / 2), concurrency: 64 }), BURST_REPS);
    }

    let chaos: ChaosSummary | null = null;
    if (!SKIP_CHAOS) {
      log(`chaos: ${quick ? 100 : 1000} messages per scenario (${SCENARIOS.join(', ')})`);
      chaos = await runChaos({
        messages: quick ? 100 : 1000,
        kills: quick ? 3 : 10,
        redisRestarts: 2,
        scenarios: SCENARIOS,
        rate: 40,
        leaseMs: quick ? 1500 : undefined,
        seed: 1,
        log: (l) => log(`  ${l}`),
      });
    }

    const bare = median(bareRuns);
    const summary = {
      quick,
      repetitions: REPS,
      classifierMsgsPerSec: round(median(classifierRuns)),
      embeddedMsgsPerSec: round(med(embeddedRuns, (r) => r.msgsPerSec), 1),
      embeddedP50Ms: round(med(embeddedRuns, (r) => r.p50)),
      embeddedP99Ms: round(med(embeddedRuns, (r) => r.p99)),
      bullmq1MsgsPerSec: round(med(bull1Runs, (r) => r.msgsPerSec), 1),
      bullmq1P50Ms: round(med(bull1Runs, (r) => r.p50)),
      bullmq1P99Ms: round(med(bull1Runs, (r) => r.p99)),
      bullmqMsgsPerSec: round(med(bull2Runs, (r) => r.msgsPerSec), 1),
      bullmqP50Ms: round(med(bull2Runs, (r) => r.p50)),
      bullmqP99Ms: round(med(bull2Runs, (r) => r.p99)),
      bareBullmqJobsPerSec: round(bare),
      bullmqToBareRatio: round(med(bull2Runs, (r) => r.msgsPerSec) / bare, 3),
      p50LatencyMs: round(med(pacedRuns, (r) => r.p50)),
      p99LatencyMs: round(med(pacedRuns, (r) => r.p99)),
      pacedRateMsgsPerSec: PACED_RATE,
      bullmqPacedP50Ms: round(med(pacedBullRuns, (r) => r.p50)),
      bullmqPacedP99Ms: round(med(pacedBullRuns, (r) => r.p99)),
      lightRateMsgsPerSec: LIGHT_RATE,
      lightP50Ms: round(med(lightRuns, (r) => r.p50)),
      lightP99Ms: round(med(lightRuns, (r) => r.p99)),
      burstMessages: SKIP_BURST ? 0 : SIZE.burstN,
      burstRepetitions: burstRuns.length,
      burstDrainMs: SKIP_BURST ? null : round(med(burstRuns, (r) => r.drainMs)),
      burstIngestMsgsPerSec: SKIP_BURST ? null : round(med(burstRuns, (r) => r.ingestPerSec)),
      burstPostP99Ms: SKIP_BURST ? null : round(med(burstRuns, (r) => r.postP99)),
      embeddedPostP99Ms: round(med(embeddedRuns, (r) => r.postP99)),
      emergencyInBurstMs: SKIP_BURST ? null : round(med(burstRuns, (r) => r.emergencyMs)),
      peakRssMb: Math.max(...[...embeddedRuns, ...pacedRuns, ...lightRuns, ...burstRuns, ...bull1Runs, ...bull2Runs].map((r) => r.startRssMb ?? 0)),
      workerPeakRssMb: Math.max(...[...bull1Runs, ...bull2Runs, ...pacedBullRuns].map((r) => r.workerRssMb ?? 0)),
      chaosOk: chaos ? chaos.ok : null,
      chaos: chaos
        ? chaos.scenarios.map((s) => ({ scenario: s.scenario, ok: s.ok, messages: s.messages, kills: s.kills, redisRestarts: s.redisRestarts, drainMs: round(s.drainMs), violations: s.violations.length }))
        : null,
      seconds: round((Date.now() - began) / 1000),
    };
    printTable(summary);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await redis.stop();
  }
}

function printTable(s: Record<string, unknown>): void {
  const rows: [string, string, string][] = [
    ['classifier, one core', `${String(s.classifierMsgsPerSec)} msg/s`, ''],
    ['embedded, end to end', `${String(s.embeddedMsgsPerSec)} msg/s`, '≥ 1,000 msg/s'],
    ['  p50 / p99 at max load', `${String(s.embeddedP50Ms)} / ${String(s.embeddedP99Ms)} ms`, ''],
    ['bullmq, 1 worker', `${String(s.bullmq1MsgsPerSec)} msg/s`, ''],
    ['  p50 / p99 at max load', `${String(s.bullmq1P50Ms)} / ${String(s.bullmq1P99Ms)} ms`, ''],
    ['bullmq, 2 workers', `${String(s.bullmqMsgsPerSec)} msg/s`, ''],
    ['  p50 / p99 at max load', `${String(s.bullmqP50Ms)} / ${String(s.bullmqP99Ms)} ms`, ''],
    ['bare BullMQ worker (no-op)', `${String(s.bareBullmqJobsPerSec)} jobs/s`, ''],
    ['bullmq (2 workers) / bare', `${(Number(s.bullmqToBareRatio) * 100).toFixed(1)} %`, '≥ 50 %'],
    [`embedded p50 / p99 at ${PACED_RATE} msg/s`, `${String(s.p50LatencyMs)} / ${String(s.p99LatencyMs)} ms`, 'p99 < 50 ms'],
    [`bullmq 2w p50 / p99 at ${PACED_RATE} msg/s`, `${String(s.bullmqPacedP50Ms)} / ${String(s.bullmqPacedP99Ms)} ms`, ''],
    [`embedded p50 / p99 at ${LIGHT_RATE} msg/s`, `${String(s.lightP50Ms)} / ${String(s.lightP99Ms)} ms`, ''],
    [`burst of ${String(s.burstMessages)} (${String(s.burstRepetitions)} rep): drain`, `${String(s.burstDrainMs)} ms (ingest ${String(s.burstIngestMsgsPerSec)} msg/s)`, ''],
    ['  POST answered, p99 (burst / max load)', `${String(s.burstPostP99Ms)} / ${String(s.embeddedPostP99Ms)} ms`, ''],
    ['  emergency in the burst', `${String(s.emergencyInBurstMs)} ms`, '< 1,000 ms'],
    ['peak RSS, start process', `${String(s.peakRssMb)} MB (workers ${String(s.workerPeakRssMb)} MB)`, '< 250 MB'],
    ...(Array.isArray(s.chaos)
      ? (s.chaos as { scenario: string; ok: boolean; messages: number; kills: number; redisRestarts: number; drainMs: number; violations: number }[]).map(
          (c): [string, string, string] => [
            `chaos ${c.scenario} (${c.messages} msgs, ${c.scenario === 'redis' ? `${c.redisRestarts} restarts` : `${c.kills} kills`})`,
            `${c.ok ? 'OK' : 'VIOLATIONS'} (${c.violations}), drained ${c.drainMs} ms after the load`,
            'nothing lost, nothing twice',
          ],
        )
      : []),
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  process.stdout.write(`\n${'figure'.padEnd(w0)}  ${'measured'.padEnd(w1)}  target\n${'-'.repeat(w0 + w1 + 20)}\n`);
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}\n`);
  process.stdout.write(`(${String(s.seconds)} s, ${quick ? 'quick' : 'full'} run, medians of ${String(s.repetitions)})\n\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
