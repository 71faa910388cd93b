import { MASKS, EMERGENCY_RULES } from '../src/classify/rules/emergency.ts';
for (const x of process.argv.slice(2)) { const t = x.replace(MASKS, '□'); console.log(t); for (const r of EMERGENCY_RULES) for (const re of [...r.strong, ...r.weak]) { const m = t.match(re); if (m) console.log('  ', r.category, m[0], re.source.slice(0, 50)); } }
