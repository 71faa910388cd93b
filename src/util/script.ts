/**
 * Chinese script conversion shared by the whole process: the classifier, the rebuttal matcher and the
 * reply engine used to build their own opencc-js converters (each tens of MB of tries). Converters
 * here are built once, on first use; Simplified text — the common case — never touches them.
 */
import * as OpenCC from 'opencc-js';
import scriptTables from './script-tables.json' with { type: 'json' };

type Convert = (text: string) => string;

let fromTaiwan: Convert | null = null;
let fromHongKong: Convert | null = null;
let toTaiwan: Convert | null = null;

function convertToSimplified(text: string): string {
  const tw = (fromTaiwan ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  // Hong Kong variants the Taiwan table leaves alone (櫃枱 → 柜枱 → 柜台).
  const hk = (fromHongKong ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return hk(tw(text));
}

/** Per-character tables from script-tables.json (generated from opencc-js, see script-tables.ts). */
const TRAD = new Uint8Array(0x10000);
const SIMP = new Uint8Array(0x10000);
for (let i = 0; i < scriptTables.traditional.length; i += 1) TRAD[scriptTables.traditional.charCodeAt(i)] = 1;
for (let i = 0; i < scriptTables.simplified.length; i += 1) SIMP[scriptTables.simplified.charCodeAt(i)] = 1;

/** How many characters of `text` are Traditional-only and how many Simplified-only forms. */
export function scriptCounts(text: string): { traditional: number; simplified: number } {
  let traditional = 0;
  let simplified = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    traditional += TRAD[c]!;
    simplified += SIMP[c]!;
  }
  return { traditional, simplified };
}

/** True when `text` has at least one character the Traditional → Simplified converter would change. */
export function hasTraditional(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (TRAD[text.charCodeAt(i)]) return true;
  return false;
}

/**
 * Traditional (Taiwan and Hong Kong forms included) → Simplified. Text without Traditional characters
 * is returned as is. The Simplified 么 is kept: tw→cn would read it as 幺 in mixed text
 * (「是真的么」 → 「是真的幺」).
 */
export function toSimplified(text: string): string {
  if (!hasTraditional(text)) return text;
  return text.includes('么') ? text.split('么').map(convertToSimplified).join('么') : convertToSimplified(text);
}

/** Simplified → Traditional, Taiwan standard with its phrases (网络 → 網路). Built on first use. */
export function toTraditionalTw(text: string): string {
  const convert = (toTaiwan ??= OpenCC.Converter({ from: 'cn', to: 'twp' }));
  return convert(text);
}
