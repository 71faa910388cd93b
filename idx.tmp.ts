import { openStore } from './src/store/db.ts';
import { computeMonthlyReport } from './src/reports/monthly.ts';
const store = openStore('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db');
const sets: Record<string, string[]> = {
  none: [],
  decided: ['CREATE INDEX x_drafts_decided ON drafts (account, decided_at)'],
  decided_reqd: ['CREATE INDEX x_drafts_decided ON drafts (account, decided_at)', 'CREATE INDEX x_drafts_created ON drafts (account, created_at)'],
  conv_cover: ['CREATE INDEX x_deliveries_reply ON deliveries (platform, conversation_id, sent_at, status, kind, account)'],
  all: ['CREATE INDEX x_drafts_decided ON drafts (account, decided_at)', 'CREATE INDEX x_drafts_created ON drafts (account, created_at)', 'CREATE INDEX x_deliveries_reply ON deliveries (platform, conversation_id, sent_at, status, kind, account)', 'CREATE INDEX x_cases_closed ON cases (account, closed_at)'],
};
for (const [name, ddl] of Object.entries(sets)) {
  for (const d of ddl) store.sqlite.exec(d);
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = process.cpuUsage();
    computeMonthlyReport(store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
    const u = process.cpuUsage(c); cpu.push(Math.round((u.user + u.system) / 1000));
  }
  console.log(name.padEnd(14), cpu.join(' '));
  for (const n of ['x_drafts_decided', 'x_drafts_created', 'x_deliveries_reply', 'x_cases_closed']) store.sqlite.exec('DROP INDEX IF EXISTS ' + n);
}
