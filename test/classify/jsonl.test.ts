import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyJsonl, loadClassifier } from '../../src/classify/index.ts';

const classifier = loadClassifier();

async function run(input: string): Promise<{ lines: unknown[]; stats: { lines: number; errors: number } }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const stats = await classifyJsonl(Readable.from([input]), out, classifier);
  out.end();
  const text = Buffer.concat(chunks).toString('utf8');
  return { lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown), stats };
}

describe('classifyJsonl', () => {
  it('writes one line per input line, in order, with the ids echoed', async () => {
    const input = Array.from({ length: 600 }, (_, i) => JSON.stringify({ id: `m${i}`, text: i % 2 ? '你好' : '是真的吗' })).join('\n');
    const { lines, stats } = await run(`${input}\n`);
    expect(stats).toEqual({ lines: 600, errors: 0 });
    expect(lines.map((l) => (l as { id: string }).id)).toEqual(Array.from({ length: 600 }, (_, i) => `m${i}`));
    expect((lines[0] as { intent: string }).intent).toBe('verify');
    expect((lines[1] as { intent: string }).intent).toBe('chitchat');
  });

  it('answers a bad line with an error line and goes on', async () => {
    const input = ['{"id":"a","text":"你好"}', 'not json', '{"id":"c"}', '{"id":4,"text":"查询 NP20261122000123"}', ''].join('\n');
    const { lines, stats } = await run(input);
    expect(stats).toEqual({ lines: 4, errors: 2 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ id: 'a', intent: 'chitchat' });
    expect(lines[1]).toEqual({ id: null, error: 'invalid JSON' });
    expect(lines[2]).toMatchObject({ id: 'c', error: expect.stringContaining('text') as unknown });
    expect(lines[3]).toMatchObject({ id: '4', intent: 'status' });
  });
});
