import { describe, expect, it } from 'vitest';
import { evaluate } from '../../scripts/eval-rebuttals.ts';
import { DEFAULT_THRESHOLDS } from '../../src/rebuttals/index.ts';

describe('matching quality on test/fixtures/rebuttals (guards the figures in src/rebuttals/README.md)', () => {
  it('≥ 50 entries, ≥ 100 reworded claims; high band precise, high+middle recall ≥ 0.85, unrelated stay low', () => {
    const f = evaluate({ ...DEFAULT_THRESHOLDS });
    expect(f.entries).toBeGreaterThanOrEqual(50);
    expect(f.related).toBeGreaterThanOrEqual(100);
    expect(f.high.precision).toBeGreaterThanOrEqual(0.97);
    expect(f.high.recall).toBeGreaterThanOrEqual(0.6);
    expect(f.highOrMiddle.precision).toBeGreaterThanOrEqual(0.95);
    expect(f.highOrMiddle.recall).toBeGreaterThanOrEqual(0.85);
    expect(f.unrelatedKeptLow).toBeGreaterThanOrEqual(0.95);
  });
});
