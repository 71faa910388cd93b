import fs from 'node:fs';
import { normalize } from '../src/classify/normalize.ts';
import { extractEntities } from '../src/classify/entities.ts';
import { featurize, nameId } from '../src/classify/features.ts';
import { defaultScanner } from '../src/classify/lexicon-scan.ts';
import { CompiledModel, ModelFileSchema } from '../src/classify/model.ts';
const file = ModelFileSchema.parse(JSON.parse(fs.readFileSync('src/classify/model.json','utf8')));
const m = new CompiledModel(file);
for (const text of process.argv.slice(2)) {
  const n = normalize(text); const low = n.text.toLowerCase(); const e = extractEntities(n.text);
  const bag = featurize(low, e, defaultScanner);
  const out = m.score(bag);
  console.log(text.slice(0,40));
  console.log(' intent', [...out.intent].map((p,i)=>file.intents[i]+':'+p.toFixed(2)).join(' '));
  console.log(' cat', [...out.category].map((p,i)=>[file.categories[i],p]).filter(x=>(x[1] as number)>0.03).map(x=>x[0]+':'+(x[1] as number).toFixed(2)).join(' '));
  const sc = defaultScanner.scan(low); console.log(' lex', defaultScanner.labels.map((l,i)=>[l,sc[i]]).filter(x=>(x[1] as number)>0).map(x=>x.join('=')).join(' '));
  const names: Record<number,string> = {}; for (const nm of ['bias','len:0-4','len:5-10','len:11-25','len:26-60','len:61-150','len:150+','shape:news','ent:url','ent:phone']) names[nameId(nm)] = nm;
  const fi = file.categories.indexOf('fraud') + file.intents.length; const ni = file.categories.indexOf('none') + file.intents.length;
  bag.denseIds.forEach((id,j)=>{ const r = file.features.indexOf(id); if (r>=0) console.log('  dense', names[id] ?? id, 'fraud', file.weights[r]![fi], 'none', file.weights[r]![ni], 'v', bag.denseValues[j]); });
}
