/**
 * One entry point for every report format. `md`, `json` and `svg` need only the report; `csv` and
 * `xlsx` also need the month's case rows (from `listCaseRows`, masked or not as authorised).
 * Text formats come back as strings, `xlsx` as a Buffer.
 */
import type { CaseRow } from '../cases.ts';
import type { MonthlyReport } from '../types.ts';
import { renderChartSvg } from './chart.ts';
import { renderCaseCsv } from './csv.ts';
import { renderMarkdown } from './md.ts';
import { renderXlsx } from './xlsx.ts';

export const REPORT_FORMATS = ['md', 'json', 'csv', 'xlsx', 'svg'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** Required for `csv` and `xlsx`. */
  caseRows?: readonly CaseRow[];
}

/** Pretty JSON (2-space indent) with a trailing newline: the same object as the HTTP endpoint returns. */
export function renderJson(r: MonthlyReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Renders `report` in `format`; throws when csv/xlsx are asked for without case rows. */
export async function renderReport(
  report: MonthlyReport,
  format: ReportFormat,
  opts: RenderOptions = {},
): Promise<Buffer | string> {
  const needRows = () => {
    if (!opts.caseRows) throw new Error(`format ${format} needs opts.caseRows (listCaseRows)`);
    return opts.caseRows;
  };
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
    case 'svg':
      return renderChartSvg(report);
    case 'csv':
      return renderCaseCsv(needRows());
    case 'xlsx':
      return renderXlsx(report, needRows());
  }
}

export { renderCaseCsv, renderChartSvg, renderMarkdown, renderXlsx };
