/**
 * Shared fast-check arbitraries for adversarial input: any code point, lone UTF-16 surrogates, control
 * characters, huge strings, deep objects, wrong types, prototype-pollution keys, hostile XML.
 */
import fc from 'fast-check';

/** A lone (unpaired) UTF-16 surrogate: not valid Unicode, but a JS string can hold it. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** C0/C1 controls, DEL, NUL, bidi and zero-width characters. */
export const controlChar = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ufffe', '\uffff', '\u2028', '\u2029'),
);

const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c));
const fullWidth = fc.integer({ min: 0xff01, max: 0xff5e }).map((c) => String.fromCharCode(c));

/** One "character" of hostile text: mostly ordinary, sometimes broken. */
export const hostileChar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: cjk },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: controlChar },
  { weight: 1, arbitrary: fullWidth },
  { weight: 1, arbitrary: fc.constantFrom('<', '>', '&', '"', "'", '\\', '/', '@', '%', '$', '{', '}', '[', ']') },
);

/** Hostile text up to `maxLength` UTF-16 units (roughly). */
export function hostileString(maxLength = 200): fc.Arbitrary<string> {
  return fc.array(hostileChar, { maxLength }).map((a) => a.join(''));
}

/** Huge strings (built by repetition so generation stays cheap). */
export const hugeString = fc
  .tuple(hostileString(8), fc.integer({ min: 10_000, max: 300_000 }))
  .map(([unit, n]) => (unit || 'x').repeat(Math.ceil(n / Math.max(1, (unit || 'x').length))).slice(0, n));

/** Any string: short hostile, or huge. */
export const anyString = fc.oneof({ weight: 9, arbitrary: hostileString() }, { weight: 1, arbitrary: hugeString });

/** An object nested `depth` levels deep (`{a:{a:{…}}}` or `[[[…]]]`). */
export function deepValue(depth: number, array = false): unknown {
  let v: unknown = array ? [] : {};
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'] as const;

/** An object with own prototype-pollution keys, as JSON.parse would build it. */
export const pollutedObject = fc
  .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.jsonValue({ maxDepth: 2 }))
  .map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}}`) as Record<string, unknown>);

/** Any value of the wrong shape: primitives, odd numbers, arrays, deep and polluted objects. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 4, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withMap: true, withSet: true, withObjectString: true, withBoxedValues: true }),
  fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 1e21),
  anyString,
  pollutedObject,
  fc.integer({ min: 100, max: 5000 }).map((d) => deepValue(d)),
  fc.integer({ min: 100, max: 5000 }).map((d) => deepValue(d, true)),
);

/** Numbers a platform might send where it should not: huge, fractional, negative, non-finite. */
export const oddNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e15, 1e18, 8.64e15, 9e15, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, NaN, Infinity),
);

/** Runs `fn` and returns how long it took (ms). */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}
