import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMonthlyReport } from '../../src/reports/monthly.ts';
import type { MonthlyReport } from '../../src/reports/types.ts';
import { buildFixture, type Fixture } from './fixture.ts';

let fx: Fixture;
let r: MonthlyReport;

beforeAll(() => {
  fx = buildFixture();
  r = computeMonthlyReport(fx.store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
});
afterAll(() => fx.cleanup());

describe('computeMonthlyReport on the November 2026 fixture', () => {
  it('bounds the month at Shanghai midnights', () => {
    expect(r.range).toEqual({ start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' });
    expect(r.daily).toHaveLength(30);
    expect(r.daily[0]).toEqual({ date: '2026-11-01', messages: 2, tips: 1, repliesSent: 3 });
    expect(r.daily[29]).toEqual({ date: '2026-11-30', messages: 1, tips: 0, repliesSent: 0 });
    expect(r.daily[14]).toEqual({ date: '2026-11-15', messages: 2, tips: 0, repliesSent: 2 });
    expect(r.daily.reduce((s, d) => s + d.messages, 0)).toBe(r.messages.received);
  });

  it('counts messages once (duplicates stored once), by intent and platform, and unique citizens', () => {
    expect(r.messages).toEqual({
      received: 14,
      uniqueCitizens: 10,
      byIntent: { tip: 5, verify: 3, consult: 1, emergency: 1, status: 1, chitchat: 2 },
      untriaged: 1,
      ignored: 1,
      byPlatform: { http: 1, telegram: 9, wechat: 4 },
    });
  });

  it('counts tip cases by category, anonymous tips and emergencies', () => {
    expect(r.tips).toEqual({
      total: 4,
      byCategory: {
        fraud: 1,
        gambling: 1,
        pornography: 0,
        weapons: 0,
        drugs: 0,
        personal_data: 1,
        rumor: 0,
        hacking: 0,
        violent_threat: 0,
        self_harm: 0,
        other: 0,
      },
      uncategorized: 1,
      anonymous: 1,
    });
    expect(r.emergencies).toBe(1);
    expect(r.cases).toEqual({ opened: 7, closed: 2 });
  });

  it('counts replies sent by how they were approved, and rejected drafts', () => {
    expect(r.replies).toEqual({
      sent: 16,
      auto: 11,
      approved: 4,
      edited: 1,
      rejected: 1,
      byKind: { receipt: 4, advice: 1, rebuttal: 3, warning: 3, emergency: 1, status: 1, forward_notice: 1, fallback: 2 },
      notDelivered: { failed: 0, undeliverable: 1, uncertain: 0 },
    });
    expect(r.interactions).toBe(13);
  });

  it('counts warnings in 人次 and people, rebuttals and distinct rumors, forwards by department', () => {
    expect(r.warnings).toEqual({ sent: 3, people: 2, byReason: { pornography: 1, rumor: 2 } });
    expect(r.rebuttals).toEqual({ sent: 3, distinct: 2 });
    expect(r.forwarded).toEqual({ total: 2, byDepartment: { 刑侦大队: 1, 治安大队: 1 } });
  });

  it('computes true medians and nearest-rank p90', () => {
    // First responses (s): 1,1,2,2,3,3,4,10,30,305,1143,1203 → median (3+4)/2, p90 = 11th value.
    expect(r.firstResponseSeconds).toEqual({ median: 3.5, p90: 1143, count: 12, unanswered: 1 });
    // Approvals (s): 30,60,120,240,300,300,600,1200,1800.
    expect(r.approvalSeconds).toEqual({ median: 300, p90: 1800, count: 9 });
  });

  it('tallies decisions per officer', () => {
    expect(r.perOfficer).toEqual([
      {
        officerId: 'o-li',
        name: '李警官',
        decisions: 4,
        approved: 2,
        edited: 0,
        rejected: 1,
        forwarded: 1,
        warningsRequested: 3,
        approvalSeconds: { median: 270, p90: 300, count: 4 },
      },
      {
        officerId: 'o-wang',
        name: '王警官',
        decisions: 5,
        approved: 3,
        edited: 1,
        rejected: 0,
        forwarded: 1,
        warningsRequested: 1,
        approvalSeconds: { median: 600, p90: 1800, count: 5 },
      },
    ]);
  });

  it('compares with October (events up to 23:59:59.999 on the 31st)', () => {
    expect(r.change.previousMonth).toBe('2026-10');
    expect(r.change.previous).toMatchObject({
      messagesReceived: 2,
      uniqueCitizens: 2,
      tips: 1,
      repliesSent: 1,
      interactions: 1,
      casesOpened: 1,
      casesClosed: 0,
      firstResponseMedianSeconds: 0.5005,
      approvalMedianSeconds: 0,
    });
    expect(r.change.difference).toEqual({
      messagesReceived: 12,
      uniqueCitizens: 8,
      tips: 3,
      emergencies: 1,
      interactions: 12,
      repliesSent: 15,
      repliesRejected: 1,
      warningsSent: 3,
      warningsPeople: 2,
      rebuttalsSent: 3,
      forwarded: 2,
      casesOpened: 6,
      casesClosed: 2,
      firstResponseMedianSeconds: 2.9995,
      approvalMedianSeconds: 300,
    });
  });

  it('puts 00:00:00.000 on 1 December into December', () => {
    const dec = computeMonthlyReport(fx.store, { month: '2026-12', account: 'default', timezone: 'Asia/Shanghai' });
    expect(dec.messages.received).toBe(1);
    expect(dec.cases.opened).toBe(1);
    expect(dec.cases.closed).toBe(1);
    expect(dec.replies.sent).toBe(1);
  });

  it('moves the boundaries with the time zone', () => {
    const utc = computeMonthlyReport(fx.store, { month: '2026-11', account: 'default', timezone: 'UTC' });
    // 00:00 Shanghai on 1 Nov is 16:00 UTC on 31 Oct; 00:00 Shanghai on 1 Dec is 16:00 UTC on 30 Nov.
    expect(utc.range.start).toBe('2026-11-01T00:00:00.000Z');
    expect(utc.messages.received).toBe(14 - 2 /* mA1, mA2 */ + 1 /* mZ */);
  });

  it('keeps accounts apart', () => {
    const other = computeMonthlyReport(fx.store, { month: '2026-11', account: 'city2', timezone: 'Asia/Shanghai' });
    expect(other.messages.received).toBe(1);
    expect(other.tips.total).toBe(1);
    expect(other.replies.sent).toBe(1);
  });

  it('is reproducible', () => {
    const again = computeMonthlyReport(fx.store, { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(r));
  });

  it('refuses a bad month or zone', () => {
    expect(() => computeMonthlyReport(fx.store, { month: '2026-13', account: 'default', timezone: 'Asia/Shanghai' })).toThrow(
      /YYYY-MM/,
    );
    expect(() => computeMonthlyReport(fx.store, { month: '2026-11', account: 'default', timezone: 'Mars/Base' })).toThrow(
      /time zone/,
    );
  });
});
