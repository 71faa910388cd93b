/**
 * Template administration for people: `netpatrol templates …` on the command line and `/tpl …` in
 * the officers' chat (the caller checks the admin role first). Both call the same functions in
 * templates.ts, so an edit made either way is a new version used by the next reply.
 */
import fs from 'node:fs';
import type { ReplyKind } from '../domain/vocabulary.ts';
import { UserFacingError } from '../errors.ts';
import { splitCommandArgs } from '../ports/commands.ts';
import type { Store } from '../store/db.ts';
import { createReplyEngine } from './engine.ts';
import { allowedVariables } from './kinds.ts';
import { DEFAULT_POLICY_FILE, loadPolicy, policyTemplateKeys } from './policy.ts';
import {
  DEFAULT_TEMPLATES_DIR,
  exportTemplates,
  listTemplates,
  rollbackTemplate,
  setTemplate,
  showTemplate,
  templateHistory,
  validateTemplates,
} from './templates.ts';
import { formatChinaTime } from './engine.ts';

export interface TemplateCommandOptions {
  templatesDir?: string;
  policyFile?: string;
  /** Where error messages go (default: `out`). */
  err?: NodeJS.WritableStream;
}

const USAGE = 'usage: netpatrol templates list | show KEY | set KEY FILE | history KEY | rollback KEY VERSION | validate | export [DIR] | preview KEY';

/** Example values for every variable, used by preview. */
function sampleVars(kind: ReplyKind): Record<string, unknown> {
  const all: Record<string, unknown> = {
    accountName: '某市公安局网警巡查执法',
    platform: 'wechat',
    caseNumber: 'NP20261122000123',
    isNew: true,
    intent: 'tip',
    category: 'fraud',
    amount: 200,
    title: '“明天全市停水三天”系谣言',
    verdict: 'false',
    rebuttal: '经向市供水公司核实，近期无全市性停水计划，局部检修停水会提前通过官方渠道公告。',
    source: 'https://www.piyao.org.cn/',
    content: '某小区有人贩子抢孩子，大家注意！',
    place: '微信群“幸福小区业主群”',
    reason: 'rumor',
    userName: '网友',
    found: true,
    status: 'open',
    openedAt: new Date('2026-11-22T10:30:00+08:00'),
    department: '市公安局刑侦支队',
  };
  const allowed = allowedVariables(kind);
  return Object.fromEntries(Object.entries(all).filter(([k]) => allowed.includes(k)));
}

function preview(store: Store, id: string, opts: TemplateCommandOptions): string {
  const t = showTemplate(store, id, opts);
  const engine = createReplyEngine({ store, ...(opts.templatesDir ? { templatesDir: opts.templatesDir } : {}), ...(opts.policyFile ? { policyFile: opts.policyFile } : {}) });
  return engine.render(t.key, sampleVars(t.kind), t.locale).text;
}

function historyLines(store: Store, key: string, opts: TemplateCommandOptions): string[] {
  return templateHistory(store, key, opts).map(
    (h) => `v${h.version}  ${h.createdAt ? formatChinaTime(h.createdAt) : '(file)           '}  ${h.author}${h.note ? `  — ${h.note}` : ''}`,
  );
}

function parseVersion(s: string | undefined): number {
  if (s === undefined || !/^v?\d+$/.test(s)) throw new UserFacingError('VERSION must be a number, e.g. 2 (see history)', 'bad_request');
  return Number(s.replace(/^v/, ''));
}

function requireArg(v: string | undefined, name: string): string {
  if (!v) throw new UserFacingError(`missing ${name}; ${USAGE}`, 'bad_request');
  return v;
}

/** `netpatrol templates …`; returns the exit code (0 ok, 1 refused/invalid, 2 usage). */
export async function runTemplatesCommand(
  store: Store,
  args: string[],
  out: NodeJS.WritableStream,
  author: string,
  opts: TemplateCommandOptions = {},
): Promise<number> {
  const err = opts.err ?? out;
  const print = (s: string) => out.write(s.endsWith('\n') ? s : `${s}\n`);
  const [sub, a1, a2] = args;
  try {
    switch (sub) {
      case 'list': {
        for (const t of listTemplates(store, opts)) {
          print(`${t.id.padEnd(34)} ${t.kind.padEnd(14)} ${t.locale.padEnd(7)} ${t.approval.padEnd(8)} v${t.version}${t.description ? `  ${t.description}` : ''}`);
        }
        return 0;
      }
      case 'show':
        print(showTemplate(store, requireArg(a1, 'KEY'), opts).source);
        return 0;
      case 'set': {
        const key = requireArg(a1, 'KEY');
        const file = requireArg(a2, 'FILE');
        let source: string;
        try {
          source = await fs.promises.readFile(file, 'utf8');
        } catch (e) {
          throw new UserFacingError(`cannot read ${file}: ${(e as Error).message}`, 'bad_request');
        }
        const v = setTemplate(store, key, source, author, opts);
        print(`saved ${key} v${v}`);
        return 0;
      }
      case 'history':
        for (const line of historyLines(store, requireArg(a1, 'KEY'), opts)) print(line);
        return 0;
      case 'rollback': {
        const key = requireArg(a1, 'KEY');
        const target = parseVersion(a2);
        const v = rollbackTemplate(store, key, target, author, opts);
        print(`${key}: v${target} restored as v${v}`);
        return 0;
      }
      case 'validate': {
        const policy = loadPolicy(opts.policyFile ?? DEFAULT_POLICY_FILE);
        const res = validateTemplates(store, { ...opts, requiredKeys: policyTemplateKeys(policy) });
        for (const p of res.problems) err.write(`${p.id}${p.version >= 0 ? ` v${p.version}` : ''}: ${p.message}\n`);
        print(res.ok ? `${res.count} templates valid; reply policy OK` : `${res.problems.length} problem(s)`);
        return res.ok ? 0 : 1;
      }
      case 'export': {
        const files = exportTemplates(store, a1 ?? opts.templatesDir ?? DEFAULT_TEMPLATES_DIR, opts);
        print(`wrote ${files.length} template files to ${a1 ?? opts.templatesDir ?? DEFAULT_TEMPLATES_DIR}`);
        return 0;
      }
      case 'preview':
        print(preview(store, requireArg(a1, 'KEY'), opts));
        return 0;
      default:
        err.write(`${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UserFacingError) {
      err.write(`error: ${e.message}\n`);
      return e.code === 'bad_request' && e.message.startsWith('missing') ? 2 : 1;
    }
    throw e;
  }
}

const CHAT_USAGE = [
  '/tpl list',
  '/tpl show KEY',
  '/tpl set KEY   （换行后写新正文；以 --- 开头则连同前置信息一起替换）',
  '/tpl preview KEY',
  '/tpl history KEY',
  '/tpl rollback KEY N',
].join('\n');

/**
 * `/tpl …` from an admin in the officers' chat. `args` is everything after `/tpl`, the template text
 * of `set` on the following lines. Returns the reply text; refusals (invalid template, unknown key)
 * come back as text starting with ⚠️, other errors are thrown.
 */
export async function handleTplChatCommand(store: Store, args: string, author: string, opts: TemplateCommandOptions = {}): Promise<string> {
  const { words: [sub, a1, a2], body: rest } = splitCommandArgs(args);
  try {
    switch (sub) {
      case 'list':
        return listTemplates(store, opts)
          .map((t) => `${t.id} · ${t.kind} · ${t.approval === 'auto' ? '自动' : '需审批'} · v${t.version}`)
          .join('\n');
      case 'show': {
        const t = showTemplate(store, requireArg(a1, 'KEY'), opts);
        return `${t.id} v${t.version}（${t.author}）\n${t.source.trim()}`;
      }
      case 'set': {
        const key = requireArg(a1, 'KEY');
        if (rest.trim().length === 0) throw new UserFacingError('模板正文为空：请在 /tpl set KEY 的下一行起写正文', 'invalid_template');
        const v = setTemplate(store, key, rest, author, opts);
        return `已保存 ${key} v${v}，下一条回复起生效。预览：\n${preview(store, key, opts)}`;
      }
      case 'preview':
        return preview(store, requireArg(a1, 'KEY'), opts);
      case 'history':
        return historyLines(store, requireArg(a1, 'KEY'), opts).join('\n');
      case 'rollback': {
        const key = requireArg(a1, 'KEY');
        const target = parseVersion(a2);
        const v = rollbackTemplate(store, key, target, author, opts);
        return `已将 ${key} 恢复为 v${target} 的内容（新版本 v${v}）`;
      }
      default:
        return `用法：\n${CHAT_USAGE}`;
    }
  } catch (e) {
    if (e instanceof UserFacingError) return `⚠️ ${e.message}`;
    throw e;
  }
}
