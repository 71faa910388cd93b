import { openStore } from './src/store/db.ts';
import { computeMonthlyReport } from './src/reports/monthly.ts';
const store = openStore('/tmp/netpatrol-bench-report-0Nb5Sn/bench.db');
const times = new Map<string, number>();
const orig = store.sqlite.prepare.bind(store.sqlite);
(store.sqlite as any).prepare = (q: string) => {
  const st = orig(q); const name = q.trim().slice(0, 60).replace(/\s+/g, ' ');
  for (const m of ['all', 'get']) { const f = (st as any)[m].bind(st); (st as any)[m] = (...a: any[]) => { const c = process.cpuUsage(); const r = f(...a); const u = process.cpuUsage(c); times.set(name, (times.get(name) ?? 0) + (u.user + u.system) / 1000); return r; }; }
  const raw = st.raw.bind(st); (st as any).raw = (...a: any[]) => { raw(...a); return st; };
  const pluck = st.pluck.bind(st); (st as any).pluck = (...a: any[]) => { pluck(...a); return st; };
  return st;
};
for (let i = 0; i < 2; i++) {
  times.clear();
  const c = process.cpuUsage();
  computeMonthlyReport(store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
  const u = process.cpuUsage(c);
  console.log('total cpu', Math.round((u.user + u.system) / 1000));
  for (const [k, v] of times) console.log(Math.round(v).toString().padStart(6), k);
}
