import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/errors.ts';
import { runReportCommand } from '../../src/reports/cli.ts';
import { computeMonthlyReport } from '../../src/reports/monthly.ts';
import { verifyAuditChain } from '../../src/store/audit.ts';
import { auditEvents } from '../../src/store/schema.ts';
import { buildFixture, type Fixture } from './fixture.ts';

let fx: Fixture;
beforeAll(() => {
  fx = buildFixture();
});
afterAll(() => fx.cleanup());

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const base = () => ({ store: fx.store, month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });

describe('runReportCommand', () => {
  it('writes json to stdout with the same numbers, progress on the progress stream', async () => {
    const out = sink();
    const err = sink();
    await runReportCommand({ ...base(), format: 'json', stdout: out.stream, progress: err.stream });
    expect(JSON.parse(out.text())).toEqual(computeMonthlyReport(fx.store, base()));
    expect(err.text()).toMatch(/^report 2026-11 \(default\): computing tallies in Asia\/Shanghai…/);
    expect(err.text()).toContain('14 messages, 7 cases');
  });

  it('explains a bad month, format or zone', async () => {
    const err = sink();
    const bad = runReportCommand({ ...base(), month: '2026-13', format: 'md', progress: err.stream });
    await expect(bad).rejects.toBeInstanceOf(UserFacingError);
    await expect(runReportCommand({ ...base(), month: '2026-13', format: 'md', progress: err.stream })).rejects.toThrow(
      '--month "2026-13": month must be YYYY-MM, for example 2026-11',
    );
    await expect(runReportCommand({ ...base(), format: 'pdf', progress: err.stream })).rejects.toThrow(/--format "pdf": format must be one of md, json, csv, xlsx, svg/);
    await expect(runReportCommand({ ...base(), timezone: 'Nowhere/City', format: 'md', progress: err.stream })).rejects.toThrow(/--timezone "Nowhere\/City"/);
  });

  it('refuses xlsx on stdout', async () => {
    const out = sink();
    await expect(runReportCommand({ ...base(), format: 'xlsx', stdout: out.stream, progress: sink().stream })).rejects.toThrow(
      /--format xlsx writes a binary workbook: give --out FILE.xlsx/,
    );
    expect(out.text()).toBe('');
  });

  it('writes csv and xlsx files', async () => {
    const csvFile = path.join(fx.dir, 'out', 'cases.csv');
    const xlsxFile = path.join(fx.dir, 'out', 'report.xlsx');
    const err = sink();
    await runReportCommand({ ...base(), format: 'csv', out: csvFile, progress: err.stream });
    await runReportCommand({ ...base(), format: 'xlsx', out: xlsxFile, progress: err.stream });
    const csv = fs.readFileSync(csvFile, 'utf8');
    expect(csv.trimEnd().split('\n')).toHaveLength(8);
    expect(csv).toContain('张** (50***78)');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    expect(wb.getWorksheet('案件')?.rowCount).toBe(8);
    expect(err.text()).toMatch(/wrote .*report\.xlsx \(\d+ bytes\)/);
    expect(fs.readdirSync(path.dirname(csvFile)).sort()).toEqual(['cases.csv', 'report.xlsx']);
  });

  it('gives unmasked data only to an active admin, and logs the request in the hash chain', async () => {
    const progress = sink().stream;
    const forbidden = { code: 'forbidden', status: 403 };
    await expect(runReportCommand({ ...base(), format: 'csv', full: true, progress })).rejects.toMatchObject(forbidden);
    await expect(runReportCommand({ ...base(), format: 'csv', full: true, actor: 'o-li', progress })).rejects.toMatchObject(forbidden);
    await expect(runReportCommand({ ...base(), format: 'csv', full: true, actor: 'o-gone', progress })).rejects.toMatchObject(forbidden);
    expect(fx.store.db.select().from(auditEvents).all()).toHaveLength(0);

    const out = sink();
    await runReportCommand({ ...base(), format: 'csv', full: true, actor: 'o-admin', stdout: out.stream, progress });
    expect(out.text()).toContain('张三丰 (5012345678)');
    expect(out.text()).toContain(',匿名\n');
    await runReportCommand({ ...base(), format: 'md', full: true, actor: 'o-admin', stdout: sink().stream, progress });

    const events = fx.store.db.select().from(auditEvents).orderBy(auditEvents.seq).all();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      account: 'default',
      actor: 'o-admin',
      action: 'report.full_export',
      subjectType: 'report',
      subjectId: 'default/2026-11',
      data: { month: '2026-11', format: 'csv', out: 'stdout', caseRows: 7 },
      prevHash: '0'.repeat(64),
    });
    expect(events[1]).toMatchObject({ action: 'report.full_export', data: { format: 'md' }, prevHash: events[0]!.hash });
    expect(verifyAuditChain(fx.store)).toEqual({ ok: true, events: 2 });
  });
});
