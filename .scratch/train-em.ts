import { loadExamples } from '../src/classify/examples.ts';
import { loadClassifier } from '../src/classify/index.ts';
const c = loadClassifier();
let fp = 0, fn = 0, n = 0, ok = 0;
for (const e of loadExamples()) {
  const r = c.classify(e.text); n++;
  if (r.intent === e.intent) ok++;
  if (e.intent === 'emergency' && r.intent !== 'emergency') { fn++; console.log('FN', r.intent, r.category, e.text); }
  else if (e.intent !== 'emergency' && r.intent === 'emergency') { fp++; console.log('FP', e.intent, r.category, e.text); }
  else if (e.intent === 'emergency' && r.category !== e.category) console.log('CAT', e.category, '→', r.category, e.text);
}
console.log({ n, fn, fp, intentAcc: ok / n });
