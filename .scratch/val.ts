import { loadExamples } from '../src/classify/examples.ts';
import { loadClassifier } from '../src/classify/index.ts';
const c = loadClassifier();
for (const e of loadExamples('.scratch')) {
  const r = c.classify(e.text);
  if ((e.intent === 'emergency') !== (r.intent === 'emergency') || r.intent !== e.intent || r.category !== e.category) console.log(e.intent === 'emergency' ? (r.intent === 'emergency' ? 'cat' : 'FN ') : (r.intent === 'emergency' ? 'FP ' : 'int'), `${e.intent}/${e.category} → ${r.intent}/${r.category}`, e.text);
}
