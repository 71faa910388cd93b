import Database from 'better-sqlite3';
import { monthRange } from './src/reports/time.ts';
const db = new Database('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db', { readonly: true });
db.pragma('mmap_size = 1073741824');
const r = monthRange('2026-11','Asia/Shanghai');
const p = { account: 'default', start: r.start, end: r.end };
const qs: Record<string,string> = {
 full: `SELECT m.platform, m.sender_id, m.intent, m.received_at, CASE WHEN m.status = 'ignored' THEN -1 ELSE (SELECT d.sent_at FROM deliveries d WHERE d.platform = m.platform AND d.conversation_id = m.conversation_id AND d.sent_at >= m.received_at AND d.status = 'sent' AND d.kind <> 'warning' AND +d.account = m.account ORDER BY d.sent_at LIMIT 1) END AS first_sent_at FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
 nosub: `SELECT m.platform, m.sender_id, m.intent, m.received_at, m.status, m.conversation_id FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
 countonly: `SELECT count(*) FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
 groups: `SELECT platform, intent, status='ignored', count(*) FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end GROUP BY 1,2,3`,
 subonly: `SELECT (SELECT d.sent_at FROM deliveries d WHERE d.platform = m.platform AND d.conversation_id = m.conversation_id AND d.sent_at >= m.received_at AND d.status = 'sent' AND d.kind <> 'warning' AND +d.account = m.account ORDER BY d.sent_at LIMIT 1) - m.received_at FROM messages m WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
 dels: `SELECT d.kind, d.approved_via, d.sent_at, d.platform, d.recipient_id, CASE WHEN d.kind IN ('warning', 'rebuttal') THEN (SELECT dr.data FROM drafts dr WHERE dr.id = d.draft_id) END AS data FROM deliveries d WHERE d.account = @account AND d.sent_at >= @start AND d.sent_at < @end AND d.status = 'sent'`,
 delsgroup: `SELECT d.kind, d.approved_via, count(*) FROM deliveries d WHERE d.account = @account AND d.sent_at >= @start AND d.sent_at < @end AND d.status = 'sent' GROUP BY 1,2`,
 delsconv: `SELECT d.platform, d.conversation_id, d.sent_at FROM deliveries d WHERE d.account = @account AND d.sent_at >= @start AND d.sent_at < @end AND d.status = 'sent' AND d.kind <> 'warning'`,
 decided: `SELECT status, decided_by, edited, created_at, decided_at, department FROM drafts WHERE account = @account AND decided_at >= @start AND decided_at < @end AND status IN ('approved', 'rejected', 'forwarded') AND (status <> 'approved' OR decided_by <> 'system')`,
 cases: `SELECT intent, category, anonymous, opened_at FROM cases WHERE account = @account AND opened_at >= @start AND opened_at < @end`,
};
for (const rep of [1,2]) for (const [k,q] of Object.entries(qs)) {
  const st = db.prepare(q); const c = process.cpuUsage();
  const rows = st.raw().all(p);
  const cu = process.cpuUsage(c);
  console.log(rep, k.padEnd(10), 'cpu', Math.round((cu.user+cu.system)/1000), rows.length);
}
