/**
 * The rebuttal library for people: `netpatrol rebuttals …` and the officers' chat `/rebuttal …`.
 * Approving an entry calls `onPublished` with the matching open verify cases, so the caller (the
 * lead's wiring) drafts the rebuttal for every asker.
 */
import { UserFacingError } from '../errors.ts';
import { splitCommandArgs } from '../ports/commands.ts';
import type { Store } from '../store/db.ts';
import { getRebuttal, importFile, listRebuttals, parseLibraryText, upsertEntries } from './library.ts';
import { createRebuttalMatcher } from './matcher.ts';
import { publishRebuttal } from './publish.ts';
import type { RebuttalEntry } from './schema.ts';

export interface RebuttalCommandOptions {
  /** Called after `approve` with the entry id and the open verify cases it answers. */
  onPublished?: (id: string, caseIds: string[]) => Promise<void>;
  err?: NodeJS.WritableStream;
  thresholds?: { high?: number; middle?: number };
}

const USAGE = 'usage: netpatrol rebuttals add FILE | import FILE.jsonl | list [--status draft|approved] | show ID | approve ID | match TEXT';
const VERDICT_ZH: Record<RebuttalEntry['verdict'], string> = { false: '不实', misleading: '误导', true: '属实', unverified: '未证实' };

function line(e: RebuttalEntry): string {
  return `${e.id}  [${e.status}] ${VERDICT_ZH[e.verdict]}  ${e.title}  (${e.claims.length} claim${e.claims.length === 1 ? '' : 's'})`;
}

async function approve(store: Store, id: string, opts: RebuttalCommandOptions): Promise<string[]> {
  const caseIds = publishRebuttal(store, id, opts.thresholds?.high !== undefined ? { high: opts.thresholds.high } : {});
  if (opts.onPublished) await opts.onPublished(id, caseIds);
  return caseIds;
}

/** `netpatrol rebuttals …`; returns the exit code (0 ok, 1 refused, 2 usage). */
export async function runRebuttalsCommand(store: Store, args: string[], out: NodeJS.WritableStream, opts: RebuttalCommandOptions = {}): Promise<number> {
  const err = opts.err ?? out;
  const print = (s: string) => out.write(`${s}\n`);
  const [sub, a1, a2] = args;
  try {
    switch (sub) {
      case 'add':
      case 'import': {
        if (!a1) {
          err.write(`${USAGE}\n`);
          return 2;
        }
        const r = await importFile(store, a1);
        print(`${r.added} added, ${r.updated} updated`);
        return 0;
      }
      case 'list': {
        const status = a1 === '--status' && (a2 === 'draft' || a2 === 'approved') ? a2 : undefined;
        for (const e of listRebuttals(store, status ? { status } : {})) print(line(e));
        return 0;
      }
      case 'show': {
        const e = a1 ? getRebuttal(store, a1) : null;
        if (!e) throw new UserFacingError(`unknown rebuttal "${a1 ?? ''}"`, 'not_found', 404);
        print(JSON.stringify(e, null, 2));
        return 0;
      }
      case 'approve': {
        if (!a1) {
          err.write(`${USAGE}\n`);
          return 2;
        }
        const caseIds = await approve(store, a1, opts);
        print(`approved ${a1}; ${caseIds.length} open verify case(s) match${caseIds.length ? `: ${caseIds.join(', ')}` : ''}`);
        return 0;
      }
      case 'match': {
        const text = args.slice(1).join(' ');
        const m = createRebuttalMatcher(store, opts.thresholds ?? {}).match(text);
        print(`band ${m.band}`);
        for (const c of m.candidates) print(`${c.score.toFixed(3)}  ${c.id}  [${c.status}]  ${c.title}`);
        return 0;
      }
      default:
        err.write(`${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UserFacingError) {
      err.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const CHAT_USAGE = [
  '/rebuttal list',
  '/rebuttal show ID',
  '/rebuttal add   （换行后贴 YAML 或 JSON 条目：id, title, claims, verdict, rebuttal, source, status）',
  '/rebuttal approve ID   （发布，并向所有正在等待核实结果的求证者推送）',
  '/rebuttal match 文本',
].join('\n');

/**
 * `/rebuttal …` in the officers' chat (`args` is everything after `/rebuttal`; the entry of `add` on
 * the following lines, YAML or JSON). Returns the reply; refusals come back as text starting with ⚠️.
 */
export async function handleRebuttalChatCommand(store: Store, args: string, author: string, opts: RebuttalCommandOptions = {}): Promise<string> {
  const { words: [sub, ...words], body: rest } = splitCommandArgs(args);
  const a1 = words[0];
  try {
    switch (sub) {
      case 'list': {
        const all = listRebuttals(store);
        return all.length ? all.slice(0, 50).map(line).join('\n') + (all.length > 50 ? `\n… 共 ${all.length} 条` : '') : '辟谣库为空';
      }
      case 'show': {
        const e = a1 ? getRebuttal(store, a1) : null;
        if (!e) throw new UserFacingError(`unknown rebuttal "${a1 ?? ''}"`, 'not_found', 404);
        return `${e.title}\n结论：${VERDICT_ZH[e.verdict]} · ${e.status}\n说法：\n${e.claims.map((c) => `· ${c}`).join('\n')}\n辟谣：${e.rebuttal}${e.source ? `\n来源：${e.source}` : ''}`;
      }
      case 'add': {
        if (!rest.trim()) throw new UserFacingError('请在 /rebuttal add 的下一行起贴 YAML 或 JSON 条目', 'invalid_rebuttal');
        const entries = parseLibraryText(rest, rest.trim().startsWith('{') || rest.trim().startsWith('[') ? 'chat.json' : 'chat.yaml');
        const r = upsertEntries(store, entries);
        return `已保存（${author}）：新增 ${r.added} 条，更新 ${r.updated} 条。发布请用 /rebuttal approve ID`;
      }
      case 'approve': {
        if (!a1) return `用法：\n${CHAT_USAGE}`;
        const caseIds = await approve(store, a1, opts);
        return `已发布 ${a1}（${author}）；${caseIds.length} 个待核实的求证案件与之匹配${caseIds.length ? '，辟谣回复已按审批规则生成' : ''}`;
      }
      case 'match': {
        const m = createRebuttalMatcher(store, opts.thresholds ?? {}).match(words.join(' '));
        return `匹配档位：${m.band}\n${m.candidates.map((c) => `${c.score.toFixed(2)} ${c.id} [${c.status}] ${c.title}`).join('\n') || '（无候选）'}`;
      }
      default:
        return `用法：\n${CHAT_USAGE}`;
    }
  } catch (e) {
    if (e instanceof UserFacingError) return `⚠️ ${e.message}`;
    throw e;
  }
}

