import { openStore } from './src/store/db.ts';
import { computeMonthlyReport } from './src/reports/monthly.ts';
const store = openStore('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db');
const mode = process.argv[2];
if (mode === 'mmap') store.sqlite.pragma('mmap_size = 1073741824');
if (mode === 'cache') store.sqlite.pragma('cache_size = -262144');
for (let i = 0; i < 3; i++) {
  const t = performance.now(); const c = process.cpuUsage();
  computeMonthlyReport(store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
  const cu = process.cpuUsage(c);
  console.log(mode, 'wall', Math.round(performance.now() - t), 'cpu', Math.round((cu.user + cu.system) / 1000), 'sys', Math.round(cu.system/1000));
}
