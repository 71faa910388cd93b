import { openStore } from './src/store/db.ts';
import { computeMonthlyReport } from './src/reports/monthly.ts';
const store = openStore('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db');
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  computeMonthlyReport(store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
  console.log('report', Math.round(performance.now() - t));
}
