/**
 * How the committed character tables (script-tables.json) are computed from opencc-js. Used by
 * scripts/gen-script-tables.ts and by the test that checks the committed file is current; never at
 * run time (it builds four converters, ~100 MB of tries).
 */
import * as OpenCC from 'opencc-js';

export interface ScriptTables {
  /** Characters the Traditional → Simplified conversion changes (t, tw and hk forms). */
  readonly traditional: string;
  /** Characters the Simplified → Traditional conversion changes. */
  readonly simplified: string;
}

export function computeScriptTables(): ScriptTables {
  const t2s = OpenCC.Converter({ from: 't', to: 'cn' });
  const tw2s = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const hk2s = OpenCC.Converter({ from: 'hk', to: 'cn' });
  const s2t = OpenCC.Converter({ from: 'cn', to: 't' });
  const codes: number[] = [];
  for (let c = 0x3400; c <= 0x9fff; c += 1) codes.push(c);
  for (let c = 0xf900; c <= 0xfaff; c += 1) codes.push(c);
  let traditional = '';
  let simplified = '';
  for (const c of codes) {
    const ch = String.fromCharCode(c);
    if (t2s(ch) !== ch || hk2s(tw2s(ch)) !== ch) traditional += ch;
    if (s2t(ch) !== ch) simplified += ch;
  }
  return { traditional, simplified };
}
