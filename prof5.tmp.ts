import Database from 'better-sqlite3';
import { monthRange } from './src/reports/time.ts';
const db = new Database('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db', { readonly: true });
db.pragma('mmap_size = 1073741824');
const r = monthRange('2026-11','Asia/Shanghai');
const days = JSON.stringify(r.dayStarts.slice(0, -1).map((s, i) => [s, r.dayStarts[i + 1]]));
const p = { account: 'default', start: r.start, end: r.end, days };
const D = `FROM json_each(@days) j JOIN `;
const qs: Record<string,string> = {
 m1: `SELECT j.key, m.platform, m.intent, m.status = 'ignored', count(*) FROM json_each(@days) j JOIN messages m ON m.account = @account AND m.received_at >= j.value ->> 0 AND m.received_at < j.value ->> 1 GROUP BY 1,2,3,4`,
 m2: `SELECT count(*) FROM (SELECT DISTINCT platform, sender_id FROM messages WHERE account = @account AND received_at >= @start AND received_at < @end)`,
 m2b: `SELECT platform, count(DISTINCT sender_id) FROM messages WHERE account = @account AND received_at >= @start AND received_at < @end GROUP BY platform`,
 m3: `SELECT CASE WHEN m.status = 'ignored' THEN -1 ELSE (SELECT d.sent_at FROM deliveries d WHERE d.platform = m.platform AND d.conversation_id = m.conversation_id AND d.sent_at >= m.received_at AND d.status = 'sent' AND d.kind <> 'warning' AND +d.account = m.account ORDER BY d.sent_at LIMIT 1) - m.received_at END FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
 c1: `SELECT j.key, c.intent, c.category, c.anonymous, count(*) FROM json_each(@days) j JOIN cases c ON c.account = @account AND c.opened_at >= j.value ->> 0 AND c.opened_at < j.value ->> 1 GROUP BY 1,2,3,4`,
 d1: `SELECT j.key, d.kind, d.approved_via, count(*) FROM json_each(@days) j JOIN deliveries d ON d.account = @account AND d.sent_at >= j.value ->> 0 AND d.sent_at < j.value ->> 1 AND d.status = 'sent' GROUP BY 1,2,3`,
 d2: `SELECT d.kind, d.platform, d.recipient_id, CASE d.kind WHEN 'warning' THEN json_extract(dr.data, '$.target.userId') ELSE json_extract(dr.data, '$.rebuttalId') END, json_extract(dr.data, '$.reason') FROM deliveries d LEFT JOIN drafts dr ON dr.id = d.draft_id WHERE d.account = @account AND d.sent_at >= @start AND d.sent_at < @end AND d.status = 'sent' AND d.kind IN ('warning', 'rebuttal')`,
 dec: `SELECT status, decided_by, edited, decided_at - created_at, department FROM drafts WHERE account = @account AND decided_at >= @start AND decided_at < @end AND status IN ('approved', 'rejected', 'forwarded') AND (status <> 'approved' OR decided_by <> 'system')`,
 wr: `SELECT requested_by, count(*) AS n FROM drafts WHERE account = @account AND kind = 'warning' AND requested_by IS NOT NULL AND created_at >= @start AND created_at < @end GROUP BY requested_by`,
 wr2: `SELECT requested_by, count(*) AS n FROM drafts WHERE account = @account AND status IN ('pending','approved','rejected','forwarded','expired') AND kind = 'warning' AND requested_by IS NOT NULL AND created_at >= @start AND created_at < @end GROUP BY requested_by`,
 closed: `SELECT count(*) FROM cases WHERE account = @account AND closed_at >= @start AND closed_at < @end`,
};
for (const rep of [1,2]) for (const [k,q] of Object.entries(qs)) {
  const st = db.prepare(q); const c = process.cpuUsage();
  const rows = st.raw().all(p);
  const cu = process.cpuUsage(c);
  console.log(rep, k.padEnd(10), 'cpu', Math.round((cu.user+cu.system)/1000), rows.length);
  if (rep === 1) for (const x of db.prepare('EXPLAIN QUERY PLAN ' + q).all(p) as any[]) console.log('     ', x.detail);
}
