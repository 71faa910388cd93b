/**
 * Measures rebuttal matching: imports test/fixtures/rebuttals/library.jsonl into a fresh in-memory
 * store, matches every line of queries.jsonl ({"id","text","expected": entry id | null}) and prints
 * precision and recall of the top match per band, then one JSON line with the figures.
 *
 *   node bin/run-ts.mjs scripts/eval-rebuttals.ts [--high 0.6] [--middle 0.35] [--sweep]
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/db.ts';
import { createRebuttalMatcher, DEFAULT_THRESHOLDS } from '../src/rebuttals/matcher.ts';
import { parseLibraryText, upsertEntries } from '../src/rebuttals/library.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/rebuttals/', import.meta.url));

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined ? undefined : Number(v);
}

interface Query {
  id: string;
  text: string;
  expected: string | null;
}

export interface BandFigures {
  count: number;
  correct: number;
  precision: number;
  recall: number;
}

export interface EvalFigures {
  entries: number;
  queries: number;
  related: number;
  unrelated: number;
  thresholds: { high: number; middle: number };
  high: BandFigures;
  middle: BandFigures & { top3Hits: number };
  highOrMiddle: BandFigures;
  low: { count: number; unrelated: number; missed: number };
  unrelatedKeptLow: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Runs the evaluation with the given thresholds and returns the figures. */
export function evaluate(thresholds: { high: number; middle: number }): EvalFigures {
  const store = openStore(':memory:');
  try {
    const entries = parseLibraryText(fs.readFileSync(`${FIXTURES}library.jsonl`, 'utf8'), 'library.jsonl');
    upsertEntries(store, entries);
    const queries = fs
      .readFileSync(`${FIXTURES}queries.jsonl`, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Query);
    const matcher = createRebuttalMatcher(store, thresholds);
    const related = queries.filter((q) => q.expected !== null).length;
    const tally = { high: { n: 0, ok: 0 }, middle: { n: 0, ok: 0, top3: 0 }, low: { n: 0, unrelated: 0, missed: 0 } };
    for (const q of queries) {
      const r = matcher.match(q.text);
      const ok = q.expected !== null && r.best?.id === q.expected;
      if (r.band === 'high') {
        tally.high.n++;
        if (ok) tally.high.ok++;
      } else if (r.band === 'middle') {
        tally.middle.n++;
        if (ok) tally.middle.ok++;
        if (q.expected !== null && r.candidates.some((c) => c.id === q.expected)) tally.middle.top3++;
      } else {
        tally.low.n++;
        if (q.expected === null) tally.low.unrelated++;
        else tally.low.missed++;
      }
    }
    const fig = (n: number, ok: number): BandFigures => ({ count: n, correct: ok, precision: round(n ? ok / n : 1), recall: round(related ? ok / related : 0) });
    const unrelated = queries.length - related;
    return {
      entries: entries.length,
      queries: queries.length,
      related,
      unrelated,
      thresholds,
      high: fig(tally.high.n, tally.high.ok),
      middle: { ...fig(tally.middle.n, tally.middle.ok), top3Hits: tally.middle.top3 },
      highOrMiddle: fig(tally.high.n + tally.middle.n, tally.high.ok + tally.middle.ok),
      low: { count: tally.low.n, unrelated: tally.low.unrelated, missed: tally.low.missed },
      unrelatedKeptLow: round(unrelated ? tally.low.unrelated / unrelated : 1),
    };
  } finally {
    store.close();
  }
}

function main(): void {
  const thresholds = { high: arg('high') ?? DEFAULT_THRESHOLDS.high, middle: arg('middle') ?? DEFAULT_THRESHOLDS.middle };
  if (process.argv.includes('--sweep')) {
    for (const high of [0.5, 0.55, 0.6, 0.65, 0.7, 0.75]) {
      for (const middle of [0.25, 0.3, 0.35, 0.4, 0.45]) {
        const f = evaluate({ high, middle });
        console.log(`high ${high} middle ${middle}: high P ${f.high.precision} R ${f.high.recall} (${f.high.count}) | middle P ${f.middle.precision} (${f.middle.count}) | high+middle P ${f.highOrMiddle.precision} R ${f.highOrMiddle.recall} | unrelated kept low ${f.unrelatedKeptLow}`);
      }
    }
    return;
  }
  const f = evaluate(thresholds);
  console.log(`rebuttal matching: ${f.queries} queries (${f.related} reworded claims, ${f.unrelated} unrelated) against ${f.entries} entries; thresholds high ≥ ${f.thresholds.high}, middle ≥ ${f.thresholds.middle}`);
  console.log('band          count  correct top-1  precision  recall');
  const row = (name: string, b: BandFigures) => console.log(`${name.padEnd(13)} ${String(b.count).padStart(5)}  ${String(b.correct).padStart(13)}  ${b.precision.toFixed(3).padStart(9)}  ${b.recall.toFixed(3).padStart(6)}`);
  row('high', f.high);
  row('middle', f.middle);
  row('high+middle', f.highOrMiddle);
  console.log(`middle band: expected entry among the 3 candidates shown to officers: ${f.middle.top3Hits}/${f.middle.count}`);
  console.log(`low band: ${f.low.count} (${f.low.unrelated} unrelated, ${f.low.missed} related missed); unrelated queries kept in low: ${(f.unrelatedKeptLow * 100).toFixed(1)}%`);
  console.log(JSON.stringify(f));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) main();
