import * as OpenCC from 'opencc-js';
import { loadExamples, HELDOUT_DIR } from '/work/main/src/classify/examples.ts';
const texts = [...loadExamples(), ...loadExamples(HELDOUT_DIR)].map(e => e.text);
console.log('avg len', texts.reduce((a,t)=>a+t.length,0)/texts.length);
const t2s = OpenCC.Converter({ from: 'tw', to: 'cn' });
const t2s2 = OpenCC.Converter({ from: 't', to: 'cn' });
function time(name: string, f: (t: string) => unknown) { for (let i=0;i<2000;i++) f(texts[i%texts.length]!); const N=20000; const t=performance.now(); for (let i=0;i<N;i++) f(texts[i%texts.length]!); console.log(name, ((performance.now()-t)/N*1000).toFixed(2),'us'); }
time('t2s tw', t=>t2s(t));
time('t2s t', t=>t2s2(t));
time('pict', t=>t.replace(/[\p{Extended_Pictographic}\u2190-\u21FF]/gu,' '));
time('hangap', t=>t.replace(/(?<=\p{Script=Han})[\s·•・._\-*|~/\\^]+(?=\p{Script=Han})/gu,''));
time('hangap2', t=>t.replace(/([\u3400-\u9fff])[\s·•・._\-*|~/\\^]+(?=[\u3400-\u9fff])/g,'$1'));
time('invis', t=>t.replace(/[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u20DD-\u20E4]|\uDB40[\uDD00-\uDDEF]/g,''));
time('wx', t=>t.replace(/(?<![A-Za-z0-9_])[vVwW]\s*[信芯]|(?<![A-Za-z0-9_])[vVwW]\s*[xX](?![A-Za-z0-9_])/g, '微信'));
time('lower', t=>t.toLowerCase());
time('nfkc', t=>t.normalize('NFKC'));
