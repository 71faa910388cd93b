/**
 * Learning from officers: corrections (`/label A7F3 fraud`, POST /v1/review/:id/label) are stored in
 * `label_corrections`; a nightly retrain (03:00 in REPORT_TIMEZONE, only when there are new corrections)
 * runs `netpatrol classify --retrain` in a child process so the event loop never stalls; every process
 * picks up the new weights through {@link createReloadingClassifier} without a restart.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { loadClassifier, resolveModelPath } from '../classify/index.ts';
import type { Classification } from '../domain/schemas.ts';
import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/db.ts';
import { labelCorrections } from '../store/schema.ts';
import type { MessageClassifier } from './triage.ts';

/** A classifier that reloads its weights when the model file it would load changes (checked ≤ every `checkMs`). */
export function createReloadingClassifier(opts: { checkMs?: number; logger?: Logger } = {}): MessageClassifier & { reload(): void } {
  const checkMs = opts.checkMs ?? 30_000;
  let current = loadClassifier();
  let loadedFrom = resolveModelPath();
  let loadedMtime = mtime(loadedFrom);
  let lastCheck = Date.now();
  const reload = () => {
    const file = resolveModelPath();
    const m = mtime(file);
    if (file === loadedFrom && m === loadedMtime) return;
    try {
      current = loadClassifier();
      loadedFrom = file;
      loadedMtime = m;
      opts.logger?.info({ model: file }, 'classifier weights reloaded');
    } catch (err) {
      opts.logger?.error({ model: file, err: err instanceof Error ? err.message : String(err) }, 'new classifier weights refused; keeping the old ones');
      loadedFrom = file;
      loadedMtime = m;
    }
  };
  return {
    classify(text: string, id?: string): Classification {
      const now = Date.now();
      if (now - lastCheck > checkMs) {
        lastCheck = now;
        reload();
      }
      return current.classify(text, id);
    },
    reload,
  };
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export function correctionCount(store: Store): number {
  return store.db.select({ n: sql<number>`count(*)` }).from(labelCorrections).get()?.n ?? 0;
}

const BIN = fileURLToPath(new URL('../../bin/netpatrol.mjs', import.meta.url));

/** Runs `netpatrol classify --retrain` in a child process (same environment). */
export function retrainInChild(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'classify', '--retrain'], { env: process.env, timeout: 10 * 60_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`retrain failed: ${stderr.trim() || err.message}`));
      else resolve(stderr.trim());
    });
  });
}

/** Milliseconds from `now` to the next 03:00 in `timezone`. */
export function msUntilNextRun(now: Date, timezone: string, hour = 3): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const secondsToday = (get('hour') % 24) * 3600 + get('minute') * 60 + get('second');
  let wait = hour * 3600 - secondsToday;
  if (wait <= 0) wait += 24 * 3600;
  return wait * 1000;
}

/** Schedules the nightly retrain; runs only when corrections were added since the last run. */
export function startNightlyRetrain(deps: { store: Store; timezone: string; logger: Logger; classifier?: { reload(): void } }): { stop(): void } {
  let trainedWith = -1;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => void run().finally(schedule), msUntilNextRun(new Date(), deps.timezone));
    timer.unref();
  };
  const run = async () => {
    const n = correctionCount(deps.store);
    if (n === 0 || n === trainedWith) return;
    try {
      const said = await retrainInChild();
      trainedWith = n;
      deps.classifier?.reload();
      deps.logger.info({ corrections: n, said }, 'nightly retrain done');
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'nightly retrain failed');
    }
  };
  schedule();
  return { stop: () => clearTimeout(timer) };
}
