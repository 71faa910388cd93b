import { normalize } from '../src/classify/normalize.ts';
import { extractEntities } from '../src/classify/entities.ts';
import { loadExamples, HELDOUT_DIR } from '../src/classify/examples.ts';
const all = [...loadExamples(), ...loadExamples(HELDOUT_DIR)].map(e => e.text);
const simp = all.filter(t => normalize(t).text === t || !normalize(t).traditional);
function time(name: string, texts: string[], f: (t: string) => unknown) { for (let i=0;i<3000;i++) f(texts[i%texts.length]!); const N=30000; const t=performance.now(); for (let i=0;i<N;i++) f(texts[i%texts.length]!); console.log(name, ((performance.now()-t)/N*1000).toFixed(2),'us'); }
const trad = all.filter(t => normalize(t).traditional);
console.log(all.length, simp.length, trad.length);
time('normalize all', all, normalize);
time('normalize simp', simp, normalize);
time('normalize trad', trad, normalize);
const norm = all.map(t => normalize(t).text);
time('entities', norm, extractEntities);
time('entities nodigit', norm.filter(t=>!/\d/.test(t)), extractEntities);
