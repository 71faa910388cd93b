import * as OpenCC from 'opencc-js';
import { normalize } from '/work/main/src/classify/normalize.ts';
import { loadClassifier } from '/work/main/src/classify/index.ts';
const s = '有人用短信轰炸我，一分钟几十条验证码短信【某地出台新规：药店售卖退烧药需登记】为做好疫情防控，药店售卖退热止咳药需实名登记';
const c = loadClassifier();
for (const to of ['tw','hk','twp'] as const) {
  const t = OpenCC.Converter({ from: 'cn', to })(s);
  console.log(to, t); console.log(normalize(t)); console.log(JSON.stringify(c.classify(t)).slice(0,120));
}
console.log(normalize(s), JSON.stringify(c.classify(s)).slice(0,120));
for (const x of ['V信 V信', 'vx 薇信', '刷 单']) console.log(JSON.stringify(normalize(x).text), JSON.stringify(normalize(normalize(x).text).text));
