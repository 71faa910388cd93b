/**
 * The real `netpatrol` binary in child processes, as a new user runs it: a console pipe, bad
 * configuration, officers with tokens, migrations, and the bullmq mode with two worker processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../support/store.ts';

const BIN = path.resolve('bin/netpatrol.mjs');
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'netpatrol-cli-'));
  dirs.push(d);
  return d;
}

function run(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', HTTP_PORT: '0', ...opts.env },
  });
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('netpatrol CLI', () => {
  it('start in a pipe: prints the replies (a receipt with a case number) and exits 0 once stdin closed', () => {
    const cwd = tempDir();
    const r = run(['start'], { cwd, input: '我要举报有人在网上卖假口罩\n你好\n' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/NP\d{8}\d{6}/);
    expect(r.stdout).toMatch(/您好|你好/);
    expect(fs.existsSync(path.join(cwd, 'data', 'netpatrol.db'))).toBe(true);
  });

  it('stops on bad configuration with one message naming the variable (exit 2)', () => {
    const cwd = tempDir();
    const bad = run(['start'], { cwd, env: { HTTP_PORT: 'eighty' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('HTTP_PORT');
    const tg = run(['start'], { cwd, env: { ADAPTERS: 'console,telegram' } });
    expect(tg.status).toBe(2);
    expect(tg.stderr).toContain('TELEGRAM_BOT_TOKEN');
    const redis = run(['start'], { cwd, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(redis.status).toBe(2);
    expect(redis.stderr).toContain('REDIS_URL');
  });

  it('migrate, officers add --token (last line), list and remove', () => {
    const cwd = tempDir();
    expect(run(['migrate'], { cwd }).status).toBe(0);
    const add = run(['officers', 'add', '--platform', 'http', '--user-id', 'zhang', '--name', '张警官', '--token'], { cwd });
    expect(add.status).toBe(0);
    const lines = add.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^np_[0-9a-f]{32}_[A-Za-z0-9_-]{20,}$/);
    const db = fs.readFileSync(path.join(cwd, 'data', 'netpatrol.db'));
    expect(db.includes(Buffer.from(lines[lines.length - 1] ?? 'x'))).toBe(false);
    const list = run(['officers', 'list'], { cwd });
    expect(list.stdout).toContain('http:zhang');
    expect(run(['officers', 'remove', '--platform', 'http', '--user-id', 'zhang'], { cwd }).status).toBe(0);
    expect(run(['officers', 'list'], { cwd }).stdout).not.toContain('http:zhang');
  });

  it('classify prints one JSON object in the contract shape, and --jsonl keeps order', () => {
    const cwd = tempDir();
    const one = run(['classify', '群里说明天全市停水三天，是真的吗？'], { cwd });
    expect(one.status).toBe(0);
    const c = JSON.parse(one.stdout);
    expect(c).toMatchObject({ intent: 'verify', rebuttal: null });
    expect(Object.keys(c.entities).sort()).toEqual(expect.arrayContaining(['amounts', 'bankCards', 'idNumbers', 'phones', 'qqNumbers', 'urls', 'wechatIds']));
    const input = ['{"id":"a","text":"你好"}', '{"id":"b","text":"有人在贴吧说要炸学校"}', 'not json', '{"id":"d","text":"查询 NP20261122000123"}'].join('\n');
    const many = run(['classify', '--jsonl'], { cwd, input });
    const out = many.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({ id: 'a', intent: 'chitchat' });
    expect(out[1]).toMatchObject({ id: 'b', intent: 'emergency' });
    expect(out[2].error).toEqual(expect.any(String));
    expect(out[3]).toMatchObject({ id: 'd', intent: 'status' });
  });

  it('bullmq mode: an intake-only start process and two worker processes answer every message', async () => {
    const cwd = tempDir();
    const redisUrl = inject('redisUrl');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, QUEUE_PREFIX: `cli${randomUUID().slice(0, 6)}`, ADAPTERS: 'http', HTTP_PORT: String(port) };
    expect(run(['migrate'], { cwd, env }).status).toBe(0);
    const spawnIt = (cmd: string, extra: Record<string, string> = {}) => {
      const c = spawn(process.execPath, [BIN, cmd], { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(c);
      return c;
    };
    spawnIt('start', { WORKERS: '0' });
    spawnIt('worker');
    spawnIt('worker');
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 30_000, 'start process');
    const health = await (await fetch(`${base}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', queue: 'bullmq' });
    const n = 12;
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${base}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: `conv-${i}`, senderId: `user-${i}`, messageId: `msg-${i}`, text: i % 2 ? '你好' : '我要举报，有人冒充公检法让我转账到安全账户' }),
      });
      expect(res.status).toBe(202);
    }
    for (let i = 0; i < n; i++) {
      const replies = await waitFor(async () => {
        const r = (await (await fetch(`${base}/v1/conversations/conv-${i}/replies`)).json()) as unknown[];
        return r.length ? r : null;
      }, 30_000, `reply to conv-${i}`);
      expect(replies.length).toBeGreaterThanOrEqual(1);
    }
  }, 90_000);
});
