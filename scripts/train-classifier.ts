/**
 * Trains the classifier's committed weights from src/classify/examples/*.jsonl (never from
 * ../shared/data) and writes src/classify/model.json. Deterministic: running it twice gives the same
 * file. Usage: node bin/run-ts.mjs scripts/train-classifier.ts [OUT.json]
 *
 * `--cv` instead cross-validates the emergency head (5 folds over its training rows, no file
 * written) and prints, per threshold, what the head would add where the rules are silent and what it
 * would veto where they fire: the out-of-fold evidence for classifier.ts HEAD_THRESHOLDS.
 */
import { DEFAULT_MODEL_PATH, headRowFor, headTrainingExamples, normalize, trainModelFile, writeModelFile } from '../src/classify/index.ts';
import { CompiledEmergencyHead, trainEmergencyHead } from '../src/classify/emergency-head.ts';
import { detectEmergency, emergencyContextBlocked, maskedSecondHand, maskIdioms } from '../src/classify/emergency.ts';
import { EMERGENCY_HINT, HEAD_THRESHOLDS } from '../src/classify/classifier.ts';

function crossValidate(folds: number): void {
  const examples = headTrainingExamples();
  const rows = examples.map((e) => headRowFor(e.text, e.emergency, 1));
  const oof = new Float64Array(rows.length);
  for (let k = 0; k < folds; k += 1) {
    const train = rows.filter((_, i) => i % folds !== k);
    const head = new CompiledEmergencyHead(trainEmergencyHead(train));
    rows.forEach((r, i) => {
      if (i % folds === k) oof[i] = head.score(r.bag);
    });
  }
  const rule = examples.map((e) => {
    const lower = normalize(e.text).text.toLowerCase();
    const hit = detectEmergency(lower);
    const masked = maskIdioms(lower);
    // What classifier.ts requires besides the head's probability before the head adds an emergency.
    const addable = !emergencyContextBlocked(lower) && !maskedSecondHand(masked);
    return { hit: hit?.strength ?? null, fraud: hit?.category === 'fraud', blocked: emergencyContextBlocked(lower), addable, hint: EMERGENCY_HINT.test(masked), long: masked.length >= HEAD_THRESHOLDS.noHintMinChars };
  });
  const pos = examples.filter((e) => e.emergency).length;
  console.log(`head rows ${rows.length} (emergencies ${pos}); out-of-fold, ${folds} folds`);
  // Head alone (no rules): how it separates the classes on rows it did not train on.
  for (const t of [0.3, 0.5, 0.7, 0.8, 0.9, 0.95]) {
    let tp = 0;
    let fp = 0;
    examples.forEach((e, i) => {
      if (oof[i]! >= t && !rule[i]!.blocked) {
        if (e.emergency) tp += 1;
        else fp += 1;
      }
    });
    console.log(`head alone ≥ ${t} (not blocked): recall ${(tp / pos).toFixed(3)}, false ${fp}/${rows.length - pos} ${(fp / (rows.length - pos)).toFixed(3)}`);
  }
  // Where the rules are silent, with and without classifier.ts's other conditions (a danger word
  // survives the masks, no blocking context, not second hand).
  for (const conditions of ['not blocked', 'with hint, not blocked, not second hand', `no hint, ≥ ${HEAD_THRESHOLDS.noHintMinChars} chars, not blocked, not second hand`] as const) {
    for (const t of [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98]) {
      let tp = 0;
      let fp = 0;
      let silentPos = 0;
      examples.forEach((e, i) => {
        const r = rule[i]!;
        if (r.hit !== null) return;
        if (e.emergency) silentPos += 1;
        const ok = conditions === 'not blocked' ? !r.blocked : r.addable && (conditions.startsWith('with hint') ? r.hint : !r.hint && r.long);
        if (oof[i]! >= t && ok) {
          if (e.emergency) tp += 1;
          else fp += 1;
        }
      });
      const label = conditions;
      console.log(`add ≥ ${t} (${label}): adds ${tp}/${silentPos} emergencies the rules miss, ${fp} false of ${rows.length - pos}`);
    }
  }
  // Vetoes never apply to fraud hits: fraud in progress and fraud tips share their words, and the
  // head cannot tell them apart (out of fold it is near 0 on several frauds in progress).
  for (const tier of ['weak', 'strong', 'fraud', 'fraud weak'] as const) {
    for (const t of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]) {
      let vp = 0;
      let vn = 0;
      let hp = 0;
      let hn = 0;
      examples.forEach((e, i) => {
        const r = rule[i]!;
        if (tier === 'fraud' ? !r.fraud : tier === 'fraud weak' ? !r.fraud || r.hit !== 'weak' : r.hit !== tier || r.fraud) return;
        if (e.emergency) hp += 1;
        else hn += 1;
        if (oof[i]! < t) {
          if (e.emergency) vp += 1;
          else vn += 1;
        }
      });
      console.log(`veto ${tier.startsWith('fraud') ? `${tier} hits` : `${tier} (not fraud)`} < ${t}: vetoes ${vn}/${hn} false hits, loses ${vp}/${hp} emergencies`);
    }
  }
}

if (process.argv.includes('--cv')) {
  crossValidate(5);
} else {
  const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? DEFAULT_MODEL_PATH;
  const started = performance.now();
  const model = trainModelFile([]);
  writeModelFile(model, out);
  console.log(
    JSON.stringify({
      out,
      examples: model.meta.examples,
      features: model.features.length,
      emergencyHead: { rows: model.emergencyHead?.meta.rows, features: model.emergencyHead?.features.length },
      seconds: +((performance.now() - started) / 1000).toFixed(2),
    }),
  );
}
