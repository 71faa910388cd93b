import { describe, expect, it } from 'vitest';
import { computeScriptTables } from '../../src/util/script-tables.ts';
import committed from '../../src/util/script-tables.json' with { type: 'json' };
import { hasTraditional, scriptCounts, toSimplified, toTraditionalTw } from '../../src/util/script.ts';

describe('Chinese script helpers', () => {
  it('the committed character tables match the installed opencc-js (regenerate with scripts/gen-script-tables.ts)', () => {
    expect(computeScriptTables()).toEqual(committed);
  });

  it('counts Traditional-only and Simplified-only characters', () => {
    const trad = scriptCounts('我朋友說他吃了藥不想活了');
    expect(trad.traditional).toBe(2); // 說 藥
    expect(trad.traditional).toBeGreaterThan(trad.simplified);
    const simp = scriptCounts('我朋友说他吃了药不想活了');
    expect(simp.traditional).toBe(0);
    expect(simp.simplified).toBeGreaterThanOrEqual(2); // 说 药
  });

  it('converts Traditional, Taiwan and Hong Kong forms, and leaves Simplified text as it is', () => {
    expect(toSimplified('網路詐騙，請撥打110')).toBe('网路诈骗，请拨打110');
    expect(toSimplified('櫃枱')).toBe('柜台');
    const plain = '网络诈骗，请拨打110';
    expect(hasTraditional(plain)).toBe(false);
    expect(toSimplified(plain)).toBe(plain);
  });

  it('keeps the Simplified 么 in mixed text', () => {
    expect(toSimplified('這是真的么')).toBe('这是真的么');
  });

  it('converts to Taiwan Traditional with its phrases', () => {
    expect(toTraditionalTw('网络诈骗')).toBe('網路詐騙');
  });
});
