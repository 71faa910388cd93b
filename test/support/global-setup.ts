/**
 * Starts a private redis-server on a free port for the whole test run (REDIS_TEST_URL), so tests
 * never touch a server someone else uses. Fails with a clear message when redis-server is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, waitForPort } from '../../scripts/lib/procs.ts';

let redis: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error) {
    throw new Error(
      'redis-server is not installed, and the BullMQ tests need a real Redis. Install it (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`) and run `npm test` again.',
    );
  }
  const port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpatrol-redis-'));
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  await waitForPort(port, 10_000);
  const url = `redis://127.0.0.1:${port}`;
  process.env.REDIS_TEST_URL = url;
  project.provide('redisUrl', url);
  return async () => {
    redis?.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
