/**
 * Profiling harness: one in-process app (embedded queue, http adapter), `N` messages posted through the
 * HTTP API with 32 in flight, timed until every automatic reply is sent. Run with
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof bin/run-ts.mjs scripts/profile-inprocess.ts 2000`.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { openStore } from '../src/store/db.ts';
import { createHttpAdapter } from '../adapters/http/index.ts';
import { openReadOnly, waitDrained } from './lib/observe.ts';
import { makeMessages, sendMessages } from './lib/load.ts';
import { citizenTexts } from './lib/texts.ts';

const n = Number(process.argv[2] ?? 1000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-prof-'));
const dbPath = path.join(dir, 'np.sqlite');
const config = loadConfig({ DATABASE_URL: `file:${dbPath}`, HTTP_PORT: '0', LOG_LEVEL: 'silent', ADAPTERS: 'http' });
const store = openStore(dbPath);
const app = await createApp({ config, role: 'start', adapters: [createHttpAdapter({ store })], logger: silentLogger, store });
const base = app.url ?? '';
const warm = makeMessages(citizenTexts(100, 7), 'warm');
await sendMessages(base, warm, { concurrency: 8 });
const db = openReadOnly(dbPath);
await waitDrained(db, 100, 60_000, 10);
const msgs = makeMessages(citizenTexts(n, 11), 'run');
const profileOut = process.env.PROFILE_OUT;
const session = new Session();
if (profileOut) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const res = await sendMessages(base, msgs, { concurrency: 32 });
const tPosted = performance.now();
await waitDrained(db, 100 + n, 600_000, 10);
const t1 = performance.now();
const cpu = process.cpuUsage(cpu0);
if (profileOut) {
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(profileOut, JSON.stringify(profile));
}
console.log(JSON.stringify({ n, postedMs: Math.round(tPosted - t0), totalMs: Math.round(t1 - t0), msgsPerSec: Math.round(n / ((t1 - t0) / 1000)), ingestPerSec: Math.round(n / ((tPosted - t0) / 1000)), retries: res.retries, rssMb: Math.round(process.memoryUsage().rss / 1e6), cpuMsPerMsg: +((cpu.user + cpu.system) / 1000 / n).toFixed(2) }));
await app.stop();
store.close();
db.close();
fs.rmSync(dir, { recursive: true, force: true });
