import { describe, expect, it } from 'vitest';
import { SendRateLimiter } from '../../adapters/telegram/rate-limit.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SendRateLimiter', () => {
  it('spaces messages to one chat a second apart and books a batch whole or not at all', () => {
    const c = clock();
    const l = new SendRateLimiter(undefined, c.now);
    expect(l.reserve('42', 3, 5000)).toEqual({ waits: [0, 1000, 2000] });
    expect(l.reserve('42', 4, 5000)).toEqual({ retryAfterMs: 6000 });
    expect(l.reserve('42', 1, 5000)).toEqual({ waits: [3000] }); // the refused batch booked nothing
    expect(l.reserve('43', 1, 0)).toEqual({ waits: [0] }); // other chats are not affected
  });

  it('allows 20 messages a minute to a group', () => {
    const c = clock();
    const l = new SendRateLimiter(undefined, c.now);
    for (let i = 0; i < 20; i++) {
      expect(l.reserve('-100', 1, 0)).toEqual({ waits: [0] });
      c.advance(1000);
    }
    // 20 sent in the last 20 s: the 21st waits until the first is a minute old.
    expect(l.reserve('-100', 1, 1000)).toEqual({ retryAfterMs: 40_000 });
    c.advance(40_000);
    expect(l.reserve('-100', 1, 0)).toEqual({ waits: [0] });
  });

  it('allows 30 messages a second overall', () => {
    const c = clock();
    const l = new SendRateLimiter(undefined, c.now);
    for (let i = 0; i < 30; i++) expect(l.reserve(String(i + 1), 1, 0)).toEqual({ waits: [0] });
    expect(l.reserve('31', 1, 2000)).toEqual({ waits: [1000] });
    expect(l.reserve('32', 1, 0, false)).toEqual({ retryAfterMs: 1000 });
  });
});
