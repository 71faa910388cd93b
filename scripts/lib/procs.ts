/**
 * Child processes for the benchmark and the chaos run: a private redis-server on a free port (never
 * 6379), `netpatrol start|worker` through the real binary, health waits and peak RSS from /proc.
 * Every child started here is tracked and killed on exit, so a failed run leaves nothing behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'netpatrol.mjs');

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port on 127.0.0.1 nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port`; throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** A fresh temp folder, removed by {@link removeDir}. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `netpatrol-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A handle on one child process. `exited` resolves with its exit code (or the signal name). */
export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | string>;
  /** The last 4 KB it wrote to stderr (for error messages). */
  stderr(): string;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

function track(proc: ChildProcess): Child {
  live.add(proc);
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-4096);
  });
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    proc,
    pid: proc.pid ?? -1,
    exited,
    stderr: () => err,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A private Redis: its own port and folder; `restart()` keeps the data (AOF when `aof`). */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** SIGTERM (Redis flushes the AOF and exits), wait `downMs`, start again on the same port and folder. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(opts: { aof?: boolean } = {}): Promise<RedisServer> {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error) throw new Error('redis-server is not installed (Debian/Ubuntu: apt-get install -y redis-server)');
  const port = await freePort();
  const dir = tempDir('redis');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', 'everysec'];
  let child: Child | undefined;
  const launch = async () => {
    child = track(spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    await waitForPort(port, 10_000);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart(downMs = 500) {
      await child?.stop('SIGTERM');
      await sleep(downMs);
      await launch();
    },
    async stop() {
      await child?.stop('SIGTERM');
      removeDir(dir);
    },
  };
}

/** Environment for a netpatrol child: nothing inherited but PATH and HOME, quiet logs. */
export function netpatrolEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', TZ: 'Asia/Shanghai', ...extra };
}

/** Runs `netpatrol ARGS` to completion (migrate and the like); throws on a non-zero exit. */
export function runNetpatrol(args: string[], cwd: string, env: Record<string, string>): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`netpatrol ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/**
 * Starts `netpatrol start|worker` in the background. `nodeArgs` go before the binary (e.g. `--import`
 * of a preload). stdin is /dev/null, so start never waits on a console.
 */
export function spawnNetpatrol(cmd: 'start' | 'worker', cwd: string, env: Record<string, string>, nodeArgs: string[] = []): Child {
  return track(spawn(process.execPath, [...nodeArgs, BIN, cmd], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }));
}

/** Waits until GET /healthz answers 200 (or the child died, or `timeoutMs` passed). */
export async function waitForHealth(base: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let died: number | string | undefined;
  void child.exited.then((c) => (died = c));
  while (Date.now() < end) {
    if (died !== undefined) throw new Error(`netpatrol exited (${died}) before it was healthy: ${child.stderr()}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`netpatrol at ${base} was not healthy within ${timeoutMs} ms: ${child.stderr()}`);
}

/** Peak resident set of a live process in MB (Linux VmHWM), or null where /proc is missing. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
