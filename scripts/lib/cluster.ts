/**
 * A netpatrol deployment made of real processes in a fresh temp folder: `netpatrol start` alone
 * (embedded queue), or an intake-only `netpatrol start` (WORKERS=0) plus N `netpatrol worker`
 * processes on a private Redis (bullmq). The HTTP port is fixed for the deployment's life, so a
 * killed start process comes back on the same address.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { freePort, netpatrolEnv, removeDir, runNetpatrol, spawnNetpatrol, tempDir, waitForHealth, type Child } from './procs.ts';

export interface ClusterOptions {
  readonly mode: 'embedded' | 'bullmq';
  /** Worker processes (bullmq only); default 1. */
  readonly workers?: number;
  /** Required for bullmq. */
  readonly redisUrl?: string;
  /** Node options for every child, e.g. `--import` of a preload. */
  readonly nodeArgs?: readonly string[];
  /** Extra environment for every child. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Cluster {
  readonly dir: string;
  readonly dbPath: string;
  readonly base: string;
  readonly prefix: string;
  start: Child;
  readonly workers: Child[];
  /** Starts `netpatrol start` again (after a kill) and waits until it is healthy. */
  restartStart(): Promise<void>;
  /** Starts worker `i` again (after a kill). */
  restartWorker(i: number): void;
  /** SIGTERM to everyone (SIGKILL after a grace period); removes the folder unless `keep`. */
  stop(keep?: boolean): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  if (opts.mode === 'bullmq' && !opts.redisUrl) throw new Error('bullmq mode needs a redisUrl');
  const dir = tempDir(opts.mode);
  const dbPath = path.join(dir, 'netpatrol.db');
  const port = await freePort();
  const prefix = `np${randomUUID().slice(0, 8)}`;
  const env = netpatrolEnv({
    DATABASE_URL: `file:${dbPath}`,
    ADAPTERS: 'http',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    RATE_LIMIT_PER_MINUTE: '10000',
    ...(opts.mode === 'bullmq' ? { REDIS_URL: opts.redisUrl ?? '', QUEUE_PREFIX: prefix } : {}),
    ...opts.env,
  });
  const nodeArgs = [...(opts.nodeArgs ?? [])];
  runNetpatrol(['migrate'], dir, env);
  const base = `http://127.0.0.1:${port}`;
  const startEnv = opts.mode === 'bullmq' ? { ...env, WORKERS: '0' } : env;
  const launchStart = async () => {
    const c = spawnNetpatrol('start', dir, startEnv, nodeArgs);
    await waitForHealth(base, c);
    return c;
  };
  const workers: Child[] = [];
  const cluster: Cluster = {
    dir,
    dbPath,
    base,
    prefix,
    start: await launchStart(),
    workers,
    async restartStart() {
      cluster.start = await launchStart();
    },
    restartWorker(i) {
      workers[i] = spawnNetpatrol('worker', dir, env, nodeArgs);
    },
    async stop(keep = false) {
      await Promise.all([cluster.start.stop('SIGTERM'), ...workers.map((w) => w.stop('SIGTERM'))]);
      if (!keep) removeDir(dir);
    },
  };
  if (opts.mode === 'bullmq') for (let i = 0; i < (opts.workers ?? 1); i++) workers.push(spawnNetpatrol('worker', dir, env, nodeArgs));
  return cluster;
}
