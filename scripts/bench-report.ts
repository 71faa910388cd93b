/**
 * Benchmark of the monthly report: builds a log of about one million events (messages, cases, drafts,
 * deliveries in realistic proportions, spread over October–December 2026 in Asia/Shanghai) in a temp
 * SQLite file with the real migrations, then times `computeMonthlyReport` for November (which also
 * computes October for the month-on-month change) and `listCaseRows`.
 *
 *   node bin/run-ts.mjs scripts/bench-report.ts [--events 1000000] [--extra-indexes] [--keep] [--db FILE]
 *
 * `--extra-indexes` first creates the indexes proposed for schema.ts (see EXTRA_INDEXES) to measure
 * their effect; `--db FILE` reuses a log kept by an earlier `--keep` run instead of building one.
 * `reportMs` is wall time (what a user waits); `reportCpuMs` is this process's CPU time, a steadier
 * figure on a shared machine. The last line of stdout is one JSON object: {"reportMs":N,"events":N,…}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listCaseRows } from '../src/reports/cases.ts';
import { computeMonthlyReport } from '../src/reports/monthly.ts';
import { openStore } from '../src/store/db.ts';
import { seededRandom } from '../src/util/random.ts';

/**
 * Indexes proposed for schema.ts (the report meets its target without them; they turn whole-history
 * scans into month ranges, so the report stays flat as the log grows over the years).
 */
export const EXTRA_INDEXES = [
  // approvalSeconds, rejected, forwarded, perOfficer: drafts decided in the month.
  'CREATE INDEX IF NOT EXISTS drafts_account_decided ON drafts (account, decided_at)',
  // perOfficer.warningsRequested: warning drafts created in the month.
  'CREATE INDEX IF NOT EXISTS drafts_account_kind_created ON drafts (account, kind, created_at)',
  // cases.closed.
  'CREATE INDEX IF NOT EXISTS cases_account_closed ON cases (account, closed_at)',
  // firstResponseSeconds: covering version of deliveries_conversation (would replace it).
  'CREATE INDEX IF NOT EXISTS deliveries_conversation_reply ON deliveries (platform, conversation_id, sent_at, status, kind, account)',
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const targetEvents = Number(arg('--events') ?? 1_000_000);
const extraIndexes = process.argv.includes('--extra-indexes');
const keep = process.argv.includes('--keep');
const reuse = arg('--db');

const rand = seededRandom(20261101);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
function weighted<T extends string>(w: Record<T, number>): T {
  let x = rand();
  for (const [k, p] of Object.entries(w) as [T, number][]) {
    x -= p;
    if (x < 0) return k;
  }
  return Object.keys(w)[0] as T;
}

const dir = reuse ? path.dirname(path.resolve(reuse)) : fs.mkdtempSync(path.join(os.tmpdir(), 'netpatrol-bench-report-'));
const store = openStore(reuse ?? path.join(dir, 'bench.db'), { bulkReads: true });
const { sqlite } = store;
sqlite.pragma('synchronous = OFF');

const insMsg = sqlite.prepare(`INSERT INTO messages (id, account, platform, platform_message_id, conversation_id, sender_id,
  sender_name, text, sent_at, received_at, status, case_id, intent, category, confidence, anonymous, triaged_at)
  VALUES (?, 'default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.9, ?, ?)`);
const insCase = sqlite.prepare(`INSERT INTO cases (id, number, account, platform, conversation_id, sender_id, intent, category,
  status, anonymous, department, opened_at, updated_at, last_message_at, closed_at)
  VALUES (?, ?, 'default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insDraft = sqlite.prepare(`INSERT INTO drafts (id, short_code, account, case_id, inbound_message_id, platform,
  conversation_id, recipient_id, kind, text, original_text, approval, status, requested_by, decided_by, decided_at,
  department, edited, data, created_at)
  VALUES (?, ?, 'default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insDelivery = sqlite.prepare(`INSERT INTO deliveries (id, draft_id, account, platform, conversation_id, recipient_id,
  kind, case_id, text, status, approved_via, created_at, sent_at)
  VALUES (?, ?, 'default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insOfficer = sqlite.prepare(`INSERT INTO officers (id, platform, user_id, name, role, created_at) VALUES (?, 'telegram', ?, ?, ?, 0)`);

const START = Date.UTC(2026, 8, 30, 16); // 2026-10-01 00:00 Shanghai
const END = Date.UTC(2026, 11, 31, 16); // 2027-01-01 00:00 Shanghai
const OFFICERS = Array.from({ length: 8 }, (_, i) => `o-${i}`);
const DEPARTMENTS = ['治安大队', '刑侦大队', '经侦大队', '禁毒大队', '网安支队'];
const CATEGORIES_BY_INTENT = {
  tip: ['fraud', 'gambling', 'pornography', 'personal_data', 'drugs', 'weapons', 'hacking', 'other'],
  verify: ['rumor'],
  consult: ['fraud', null],
  emergency: ['self_harm', 'violent_threat'],
  status: [null],
  chitchat: [null],
} as const;
const SENDERS = 80_000;
const REBUTTALS = 120;

let events = 0;
let draftSeq = 0;
let caseSeq = 0;
const lastCase = new Map<number, { id: string; at: number }>();

function draftAndDelivery(o: {
  caseId: string | null;
  inbound: string | null;
  platform: string;
  conv: string;
  to: string;
  kind: string;
  at: number;
  required: boolean;
  data?: Record<string, unknown>;
  requestedBy?: string | null;
}): void {
  const id = `d${++draftSeq}`;
  let status = 'approved';
  let decidedBy: string | null = 'system';
  let decidedAt: number | null = o.at;
  let edited = 0;
  let department: string | null = null;
  if (o.required) {
    decidedBy = pick(OFFICERS);
    decidedAt = o.at + 30_000 + Math.floor(rand() * 2 * 3600_000);
    const x = rand();
    if (x < 0.1) status = 'rejected';
    else if (x < 0.17) {
      status = 'forwarded';
      department = pick(DEPARTMENTS);
    } else if (x < 0.2) {
      status = 'expired';
      decidedBy = null;
      decidedAt = null;
    } else if (rand() < 0.15) edited = 1;
  }
  const text = `${o.kind} reply text for the citizen, about one hundred characters long in practice`;
  insDraft.run(id, `S${draftSeq}`, o.caseId, o.inbound, o.platform, o.conv, o.to, o.kind, text, text,
    o.required ? 'required' : 'auto', status, o.requestedBy ?? null, decidedBy, decidedAt, department, edited,
    JSON.stringify(o.data ?? {}), o.at);
  events++;
  if (status !== 'approved' || events >= targetEvents) return;
  const x = rand();
  const dStatus = x < 0.97 ? 'sent' : x < 0.985 ? 'undeliverable' : 'failed';
  const sentAt = dStatus === 'sent' ? decidedAt! + 500 + Math.floor(rand() * 3000) : null;
  insDelivery.run(`v${draftSeq}`, id, o.platform, o.conv, o.to, o.kind, o.caseId, text, dStatus,
    o.required ? (edited ? 'edited' : 'approved') : 'auto', decidedAt, sentAt);
  events++;
}

const tBuild = performance.now();
const build = sqlite.transaction(() => {
  OFFICERS.forEach((id, i) => insOfficer.run(id, `90${i}`, `警官${i}`, i === 0 ? 'admin' : 'officer'));
  const times = Array.from({ length: Math.ceil(targetEvents / 2.9) }, () => START + Math.floor(rand() * (END - START))).sort(
    (a, b) => a - b,
  );
  let i = 0;
  while (events < targetEvents && i < times.length) {
    const at = times[i]!;
    const mid = `m${i++}`;
    const s = Math.floor(rand() * SENDERS);
    const platform = s % 20 < 10 ? 'telegram' : s % 20 < 17 ? 'wechat' : 'http';
    const sender = `${platform}-u${s}`;
    const intent = weighted({ chitchat: 0.3, tip: 0.25, verify: 0.2, consult: 0.15, status: 0.07, emergency: 0.03 });
    const category = pick(CATEGORIES_BY_INTENT[intent]);
    const ignored = rand() < 0.01;
    const anonymous = intent === 'tip' && rand() < 0.1 ? 1 : 0;

    let caseId: string | null = null;
    let newCase = false;
    if (intent !== 'chitchat' && intent !== 'status' && !ignored) {
      const prev = lastCase.get(s);
      if (prev && at - prev.at < 3 * 86400_000 && rand() < 0.5) caseId = prev.id;
      else {
        caseId = `c${++caseSeq}`;
        newCase = true;
        lastCase.set(s, { id: caseId, at });
      }
    } else if (intent === 'status') caseId = lastCase.get(s)?.id ?? null;

    insMsg.run(mid, platform, `pm${i}`, sender, sender, rand() < 0.7 ? '张三' : null, '消息正文 13812345678', at, at,
      ignored ? 'ignored' : 'triaged', caseId, intent, category, anonymous, at + 50);
    events++;
    if (newCase) {
      const x = rand();
      const closedAt = x < 0.6 ? at + Math.floor(rand() * 20 * 86400_000) : null;
      const status = closedAt ? 'closed' : x < 0.7 ? 'forwarded' : 'open';
      insCase.run(caseId, `NP${String(caseSeq).padStart(14, '0')}`, platform, sender, sender, intent, category, status,
        anonymous, status === 'forwarded' ? pick(DEPARTMENTS) : null, at, at, at, closedAt);
      events++;
    }
    if (ignored || events >= targetEvents) continue;
    const base = { caseId, inbound: mid, platform, conv: sender, to: sender, at: at + 200 };
    switch (intent) {
      case 'chitchat':
        draftAndDelivery({ ...base, kind: 'fallback', required: false });
        break;
      case 'status':
        draftAndDelivery({ ...base, kind: 'status', required: false });
        break;
      case 'emergency':
        draftAndDelivery({ ...base, kind: 'emergency', required: false });
        break;
      case 'consult':
        draftAndDelivery({ ...base, kind: 'advice', required: rand() < 0.2 });
        break;
      case 'tip':
        if (newCase) draftAndDelivery({ ...base, kind: 'receipt', required: false });
        if (rand() < 0.3 && events < targetEvents) draftAndDelivery({ ...base, kind: 'advice', required: true });
        break;
      case 'verify':
        draftAndDelivery({ ...base, kind: 'rebuttal', required: rand() < 0.4, data: { rebuttalId: `rb-${Math.floor(rand() * REBUTTALS)}` } });
        if (rand() < 0.1 && events < targetEvents) {
          const poster = `telegram-p${Math.floor(rand() * 5000)}`;
          draftAndDelivery({
            caseId: null,
            inbound: null,
            platform: 'telegram',
            conv: poster,
            to: poster,
            kind: 'warning',
            at: at + 600_000,
            required: true,
            requestedBy: pick(OFFICERS),
            data: { target: { platform: 'telegram', conversationId: poster, userId: poster }, reason: 'rumor' },
          });
        }
        break;
    }
  }
});
if (!reuse) build();
const buildMs = Math.round(performance.now() - tBuild);

if (extraIndexes) for (const ddl of EXTRA_INDEXES) sqlite.exec(ddl);

const count = (t: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
const rows = { messages: count('messages'), cases: count('cases'), drafts: count('drafts'), deliveries: count('deliveries') };
const total = rows.messages + rows.cases + rows.drafts + rows.deliveries;

const scope = { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' };
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return Math.round((u.user + u.system) / 1000);
};
const t1 = performance.now();
const c1 = process.cpuUsage();
const report = computeMonthlyReport(store, scope);
const reportMs = Math.round(performance.now() - t1);
const reportCpuMs = cpuMs(c1);
const t2 = performance.now();
const again = computeMonthlyReport(store, scope);
const warmReportMs = Math.round(performance.now() - t2);
if (JSON.stringify(again) !== JSON.stringify(report)) throw new Error('two runs of the report differ');
const t3 = performance.now();
const caseRows = listCaseRows(store, scope);
const caseRowsMs = Math.round(performance.now() - t3);

console.error(
  `built ${total} events in ${buildMs} ms (${JSON.stringify(rows)}); November: ${report.messages.received} messages, ` +
    `${report.cases.opened} cases, ${report.replies.sent} replies, first response median ${report.firstResponseSeconds.median}s`,
);
store.close();
if (keep || reuse) console.error(`kept ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    reportMs,
    events: total,
    reportCpuMs,
    warmReportMs,
    caseRowsMs,
    caseRows: caseRows.length,
    monthMessages: report.messages.received,
    buildMs: reuse ? null : buildMs,
    extraIndexes,
    loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
    cpus: os.cpus().length,
  }),
);
