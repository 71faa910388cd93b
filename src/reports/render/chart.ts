/**
 * The report's chart as standalone SVG, drawn by hand (no browser, no native module): tips by
 * category as horizontal bars, and daily volume (messages, with tips inside) as columns. Text is
 * XML-escaped; fonts fall back through common CJK families. PNG needs a rasteriser such as
 * @resvg/resvg-js, which is not installed.
 */
import { CATEGORIES } from '../../domain/vocabulary.ts';
import type { MonthlyReport } from '../types.ts';
import { categoryZh, monthZh } from './labels.ts';

const FONT = `'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif`;
const WIDTH = 960;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const n = (v: number) => Number(v.toFixed(2));

/** A "nice" axis maximum (1, 2, 5 × 10^k) at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}" ${attrs}>${esc(s)}</text>`;
}

/** Renders both panels in one SVG document (UTF-8 string). */
export function renderChartSvg(r: MonthlyReport): string {
  const out: string[] = [];
  const cats: [string, number][] = CATEGORIES.map((c) => [categoryZh(c), r.tips.byCategory[c]]);
  if (r.tips.uncategorized > 0) cats.push(['未分类', r.tips.uncategorized]);

  // Panel 1: tips by category.
  const top1 = 50;
  const rowH = 22;
  const left = 140;
  const barW = WIDTH - left - 80;
  const max1 = niceMax(Math.max(...cats.map(([, v]) => v)));
  const h1 = top1 + cats.length * rowH + 20;
  out.push(text(20, 30, `${monthZh(r.month)} 举报线索按类别（共${r.tips.total}条）`, 'font-size="18" font-weight="bold"'));
  cats.forEach(([label, v], i) => {
    const y = top1 + i * rowH;
    const w = (v / max1) * barW;
    out.push(text(left - 8, y + 15, label, 'font-size="13" text-anchor="end"'));
    out.push(`<rect x="${left}" y="${y + 3}" width="${n(w)}" height="${rowH - 6}" fill="#2f6fb0"><title>${esc(`${label} ${v}`)}</title></rect>`);
    out.push(text(left + w + 6, y + 15, String(v), 'font-size="12" fill="#333"'));
  });

  // Panel 2: daily volume.
  const top2 = h1 + 40;
  const plotH = 200;
  const plotLeft = 60;
  const plotW = WIDTH - plotLeft - 30;
  const max2 = niceMax(Math.max(0, ...r.daily.map((d) => d.messages)));
  const colW = plotW / Math.max(1, r.daily.length);
  const base = top2 + plotH;
  out.push(text(20, top2 - 14, '每日消息量（深色为当日受理举报线索）', 'font-size="18" font-weight="bold"'));
  for (let t = 0; t <= 4; t++) {
    const v = (max2 * t) / 4;
    const y = base - (plotH * t) / 4;
    out.push(`<line x1="${plotLeft}" y1="${n(y)}" x2="${plotLeft + plotW}" y2="${n(y)}" stroke="#ddd"/>`);
    out.push(text(plotLeft - 6, y + 4, String(n(v)), 'font-size="11" text-anchor="end" fill="#555"'));
  }
  r.daily.forEach((d, i) => {
    const x = plotLeft + i * colW + colW * 0.15;
    const w = colW * 0.7;
    const hm = (d.messages / max2) * plotH;
    const ht = (d.tips / max2) * plotH;
    out.push(`<rect x="${n(x)}" y="${n(base - hm)}" width="${n(w)}" height="${n(hm)}" fill="#9cc3e6"><title>${esc(`${d.date} 消息${d.messages} 线索${d.tips}`)}</title></rect>`);
    if (ht > 0) out.push(`<rect x="${n(x)}" y="${n(base - ht)}" width="${n(w)}" height="${n(ht)}" fill="#1f4e79"/>`);
    out.push(text(x + w / 2, base + 14, String(Number(d.date.slice(8))), 'font-size="10" text-anchor="middle" fill="#555"'));
  });
  const height = base + 30;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${esc(FONT)}">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n` +
    out.join('\n') +
    '\n</svg>\n'
  );
}
