/**
 * Classifier speed on one core (normalization, entities, emergency stage, lexicons, model; no
 * rebuttal match), over the team's own example texts. Prints `{"classifierMsgsPerSec":N}` as its
 * last line. Usage: node bin/run-ts.mjs scripts/bench-classifier.ts [SECONDS]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadClassifier, type Classifier } from '../src/classify/index.ts';
import { HELDOUT_DIR, loadExamples } from '../src/classify/examples.ts';

/**
 * Classifies `texts` in a loop for about `seconds` of CPU time (after a warm-up) and returns messages
 * per CPU second of this process, i.e. per core: the figure does not drop when other processes share
 * the machine (process CPU time also counts GC threads, so it errs on the low side).
 */
export function measureSpeed(classifier: Classifier, texts: string[], seconds = 3): number {
  if (texts.length === 0) throw new Error('measureSpeed needs texts');
  for (let i = 0; i < 3000; i += 1) classifier.classify(texts[i % texts.length]!);
  let n = 0;
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const started = cpu();
  let now = started;
  while (now - started < seconds) {
    for (let i = 0; i < 500; i += 1) classifier.classify(texts[(n + i) % texts.length]!);
    n += 500;
    now = cpu();
  }
  return Math.round(n / (now - started));
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const seconds = Number(process.argv[2] ?? 3);
  const texts = [...loadExamples(), ...loadExamples(HELDOUT_DIR)].map((e) => e.text);
  const perSec = measureSpeed(loadClassifier(), texts, seconds);
  const avgChars = Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length);
  console.log(`classified ${texts.length} distinct texts (avg ${avgChars} chars) in a loop for ${seconds} CPU seconds`);
  console.log(JSON.stringify({ classifierMsgsPerSec: perSec }));
}
