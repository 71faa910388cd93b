/**
 * A month of known events (November 2026, Asia/Shanghai, account `default`) written straight into a
 * fresh SQLite file with the real migrations, plus a little of October, December and another account
 * that must not leak in. The expected figures are worked out by hand in the test files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.ts';
import { cases, deliveries, drafts, messages, officers } from '../../src/store/schema.ts';

/** Epoch ms of a Shanghai wall-clock time (UTC+8, no daylight saving). */
export function sh(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(y, mo - 1, d, h - 8, mi, s, ms);
}

export interface Fixture {
  store: Store;
  dir: string;
  cleanup(): void;
}

type MsgOpts = {
  id: string;
  at: number;
  platform: string;
  sender: string;
  conv?: string;
  name?: string;
  intent: string | null;
  category?: string | null;
  caseId?: string | null;
  anonymous?: boolean;
  status?: string;
  account?: string;
  pmid?: string;
};

export function buildFixture(): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpatrol-report-'));
  const store = openStore(path.join(dir, 'np.db'));
  const { db } = store;
  let draftSeq = 0;

  const msg = (o: MsgOpts) =>
    db
      .insert(messages)
      .values({
        id: o.id,
        account: o.account ?? 'default',
        platform: o.platform,
        platformMessageId: o.pmid ?? `pm-${o.id}`,
        conversationId: o.conv ?? o.sender,
        senderId: o.sender,
        senderName: o.name ?? null,
        text: `text of ${o.id}`,
        sentAt: o.at,
        receivedAt: o.at,
        status: o.status ?? 'triaged',
        caseId: o.caseId ?? null,
        intent: o.intent,
        category: o.category ?? null,
        confidence: o.intent === null ? null : 0.9,
        anonymous: o.anonymous ?? false,
      })
      .onConflictDoNothing()
      .run();

  const kase = (o: {
    id: string;
    number: string;
    at: number;
    platform: string;
    sender: string;
    intent: string;
    category: string | null;
    status?: string;
    anonymous?: boolean;
    department?: string | null;
    closedAt?: number | null;
    account?: string;
  }) =>
    db
      .insert(cases)
      .values({
        id: o.id,
        number: o.number,
        account: o.account ?? 'default',
        platform: o.platform,
        conversationId: o.sender,
        senderId: o.sender,
        intent: o.intent,
        category: o.category,
        status: o.status ?? 'open',
        anonymous: o.anonymous ?? false,
        department: o.department ?? null,
        openedAt: o.at,
        updatedAt: o.at,
        lastMessageAt: o.at,
        closedAt: o.closedAt ?? null,
      })
      .run();

  /** A draft and, when `sentAt`/`deliveryStatus` is given, its delivery. */
  const reply = (o: {
    kind: string;
    platform: string;
    to: string;
    conv?: string;
    caseId?: string | null;
    inbound?: string | null;
    createdAt: number;
    approval?: 'auto' | 'required';
    status: string;
    decidedBy?: string | null;
    decidedAt?: number | null;
    edited?: boolean;
    department?: string | null;
    requestedBy?: string | null;
    data?: Record<string, unknown>;
    sentAt?: number;
    deliveryStatus?: string;
    account?: string;
  }) => {
    const id = `d${++draftSeq}`;
    const auto = (o.approval ?? 'auto') === 'auto';
    db.insert(drafts)
      .values({
        id,
        shortCode: `S${draftSeq}`,
        account: o.account ?? 'default',
        caseId: o.caseId ?? null,
        inboundMessageId: o.inbound ?? null,
        platform: o.platform,
        conversationId: o.conv ?? o.to,
        recipientId: o.to,
        kind: o.kind,
        text: `${o.kind} text`,
        originalText: `${o.kind} text`,
        approval: auto ? 'auto' : 'required',
        status: o.status,
        requestedBy: o.requestedBy ?? null,
        decidedBy: o.decidedBy === undefined ? (auto ? 'system' : null) : o.decidedBy,
        decidedAt: o.decidedAt === undefined ? (auto ? o.createdAt : null) : o.decidedAt,
        department: o.department ?? null,
        edited: o.edited ?? false,
        data: o.data ?? {},
        createdAt: o.createdAt,
      })
      .run();
    if (o.sentAt !== undefined || o.deliveryStatus !== undefined) {
      const status = o.deliveryStatus ?? 'sent';
      db.insert(deliveries)
        .values({
          id: `v-${id}`,
          draftId: id,
          account: o.account ?? 'default',
          platform: o.platform,
          conversationId: o.conv ?? o.to,
          recipientId: o.to,
          kind: o.kind,
          caseId: o.caseId ?? null,
          text: `${o.kind} text`,
          status,
          approvedVia: auto ? 'auto' : o.edited ? 'edited' : 'approved',
          createdAt: o.decidedAt ?? o.createdAt,
          sentAt: status === 'sent' ? (o.sentAt ?? null) : null,
        })
        .run();
    }
    return id;
  };

  const t0 = Date.UTC(2026, 0, 1);
  db.insert(officers)
    .values([
      { id: 'o-li', platform: 'telegram', userId: '9001', name: '李警官', role: 'officer', createdAt: t0 },
      { id: 'o-wang', platform: 'telegram', userId: '9002', name: '王警官', role: 'officer', createdAt: t0 },
      { id: 'o-admin', platform: 'telegram', userId: '9003', name: '赵管理员', role: 'admin', createdAt: t0 },
      { id: 'o-gone', platform: 'telegram', userId: '9004', name: '钱前任', role: 'admin', active: false, createdAt: t0 },
    ])
    .run();

  // ---- October (previous month): two messages at the very end, one tip case.
  msg({ id: 'mOld', at: sh(2026, 10, 31, 23, 59, 59, 0), platform: 'telegram', sender: '5055555555', intent: 'tip', category: 'other', caseId: 'cOld' });
  kase({ id: 'cOld', number: 'NP20261031000001', at: sh(2026, 10, 31, 23, 59, 59, 0), platform: 'telegram', sender: '5055555555', intent: 'tip', category: 'other', status: 'closed', closedAt: sh(2026, 11, 2, 9) });
  reply({ kind: 'receipt', platform: 'telegram', to: '5055555555', caseId: 'cOld', createdAt: sh(2026, 10, 31, 23, 59, 59, 100), status: 'approved', sentAt: sh(2026, 10, 31, 23, 59, 59, 500) });
  msg({ id: 'm0', at: sh(2026, 10, 31, 23, 59, 59, 999), platform: 'telegram', sender: '5020000000', intent: 'chitchat' });
  // Its reply lands in November (00:00:00.500).
  reply({ kind: 'fallback', platform: 'telegram', to: '5020000000', inbound: 'm0', createdAt: sh(2026, 10, 31, 23, 59, 59, 999), status: 'approved', sentAt: sh(2026, 11, 1, 0, 0, 0, 500) });

  // ---- November.
  // A (Telegram, named 张三丰): a fraud tip at 00:00:00.000 on the 1st, a follow-up, a status query, chit-chat.
  const A = '5012345678';
  kase({ id: 'cA', number: 'NP20261101000001', at: sh(2026, 11, 1), platform: 'telegram', sender: A, intent: 'tip', category: 'fraud', status: 'closed', closedAt: sh(2026, 11, 20, 12) });
  msg({ id: 'mA1', at: sh(2026, 11, 1), platform: 'telegram', sender: A, name: '张三丰', intent: 'tip', category: 'fraud', caseId: 'cA' });
  reply({ kind: 'receipt', platform: 'telegram', to: A, caseId: 'cA', inbound: 'mA1', createdAt: sh(2026, 11, 1, 0, 0, 1), status: 'approved', sentAt: sh(2026, 11, 1, 0, 0, 3) });
  msg({ id: 'mA2', at: sh(2026, 11, 1, 0, 5), platform: 'telegram', sender: A, name: '张三丰', intent: 'tip', category: 'fraud', caseId: 'cA' });
  reply({ kind: 'advice', platform: 'telegram', to: A, caseId: 'cA', inbound: 'mA2', approval: 'required', createdAt: sh(2026, 11, 1, 0, 5, 1), status: 'approved', decidedBy: 'o-li', decidedAt: sh(2026, 11, 1, 0, 10, 1), sentAt: sh(2026, 11, 1, 0, 10, 5) });
  msg({ id: 'mA3', at: sh(2026, 11, 16, 10), platform: 'telegram', sender: A, name: '张三丰', intent: 'status', caseId: 'cA' });
  reply({ kind: 'status', platform: 'telegram', to: A, caseId: 'cA', inbound: 'mA3', createdAt: sh(2026, 11, 16, 10, 0, 1), status: 'approved', sentAt: sh(2026, 11, 16, 10, 0, 2) });
  msg({ id: 'mG1', at: sh(2026, 11, 21, 8), platform: 'telegram', sender: A, name: '张三丰', intent: 'chitchat' });
  reply({ kind: 'fallback', platform: 'telegram', to: A, inbound: 'mG1', createdAt: sh(2026, 11, 21, 8, 0, 0, 500), status: 'approved', sentAt: sh(2026, 11, 21, 8, 0, 1) });

  // B (WeChat, 李四): a gambling tip, forwarded to 治安大队; the same platform message arrives twice.
  const B = 'wx-openid-abcdef';
  kase({ id: 'cB', number: 'NP20261110000001', at: sh(2026, 11, 10, 10), platform: 'wechat', sender: B, intent: 'tip', category: 'gambling', status: 'forwarded', department: '治安大队' });
  msg({ id: 'mB1', at: sh(2026, 11, 10, 10), platform: 'wechat', sender: B, name: '李四', intent: 'tip', category: 'gambling', caseId: 'cB', pmid: 'wx-msg-1' });
  msg({ id: 'mB1-dup', at: sh(2026, 11, 10, 10, 0, 2), platform: 'wechat', sender: B, name: '李四', intent: 'tip', category: 'gambling', caseId: 'cB', pmid: 'wx-msg-1' });
  reply({ kind: 'receipt', platform: 'wechat', to: B, caseId: 'cB', inbound: 'mB1', createdAt: sh(2026, 11, 10, 10, 0, 1), status: 'approved', sentAt: sh(2026, 11, 10, 10, 0, 4) });
  reply({ kind: 'advice', platform: 'wechat', to: B, caseId: 'cB', inbound: 'mB1', approval: 'required', createdAt: sh(2026, 11, 10, 10, 0, 5), status: 'forwarded', decidedBy: 'o-wang', decidedAt: sh(2026, 11, 10, 10, 30, 5), department: '治安大队' });
  reply({ kind: 'forward_notice', platform: 'wechat', to: B, caseId: 'cB', createdAt: sh(2026, 11, 10, 10, 30, 6), status: 'approved', sentAt: sh(2026, 11, 10, 10, 30, 10) });

  // C (HTTP, sender id is a phone number): an anonymous tip on personal data, forwarded to 刑侦大队.
  const C = '13812345678';
  kase({ id: 'cC', number: 'NP20261112000001', at: sh(2026, 11, 12, 9), platform: 'http', sender: C, intent: 'tip', category: 'personal_data', status: 'forwarded', anonymous: true, department: '刑侦大队' });
  msg({ id: 'mC1', at: sh(2026, 11, 12, 9), platform: 'http', sender: C, name: '陈小明', intent: 'tip', category: 'personal_data', caseId: 'cC', anonymous: true });
  reply({ kind: 'receipt', platform: 'http', to: C, caseId: 'cC', inbound: 'mC1', createdAt: sh(2026, 11, 12, 9, 0, 1), status: 'approved', sentAt: sh(2026, 11, 12, 9, 0, 10) });
  reply({ kind: 'advice', platform: 'http', to: C, caseId: 'cC', inbound: 'mC1', approval: 'required', createdAt: sh(2026, 11, 12, 9, 0, 11), status: 'forwarded', decidedBy: 'o-li', decidedAt: sh(2026, 11, 12, 9, 2, 11), department: '刑侦大队' });

  // D (Telegram): asks whether a water-cut rumor is true, twice; an officer edits the rebuttal.
  const D = '5020000000';
  kase({ id: 'cD', number: 'NP20261115000001', at: sh(2026, 11, 15, 14), platform: 'telegram', sender: D, intent: 'verify', category: 'rumor', status: 'closed', closedAt: sh(2026, 12, 3) });
  msg({ id: 'mD1', at: sh(2026, 11, 15, 14), platform: 'telegram', sender: D, intent: 'verify', category: 'rumor', caseId: 'cD' });
  msg({ id: 'mD2', at: sh(2026, 11, 15, 14, 1), platform: 'telegram', sender: D, intent: 'verify', category: 'rumor', caseId: 'cD' });
  reply({ kind: 'rebuttal', platform: 'telegram', to: D, caseId: 'cD', inbound: 'mD1', approval: 'required', createdAt: sh(2026, 11, 15, 14, 0, 1), status: 'approved', decidedBy: 'o-wang', decidedAt: sh(2026, 11, 15, 14, 20, 1), edited: true, data: { rebuttalId: 'rb-water' }, sentAt: sh(2026, 11, 15, 14, 20, 3) });

  // J (WeChat): asks about two rumors at once; two automatic rebuttals, no case.
  msg({ id: 'mJ1', at: sh(2026, 11, 17, 9), platform: 'wechat', sender: 'wx-j', intent: 'verify', category: 'rumor' });
  reply({ kind: 'rebuttal', platform: 'wechat', to: 'wx-j', inbound: 'mJ1', createdAt: sh(2026, 11, 17, 9, 0, 1), status: 'approved', data: { rebuttalId: 'rb-water' }, sentAt: sh(2026, 11, 17, 9, 0, 2) });
  reply({ kind: 'rebuttal', platform: 'wechat', to: 'wx-j', inbound: 'mJ1', createdAt: sh(2026, 11, 17, 9, 0, 1), status: 'approved', data: { rebuttalId: 'rb-kidnap' }, sentAt: sh(2026, 11, 17, 9, 0, 3) });

  // K (WeChat, a phone number in the display name): a tip without category; one draft rejected.
  const K = 'wx-k-0001';
  kase({ id: 'cK', number: 'NP20261118000001', at: sh(2026, 11, 18, 11), platform: 'wechat', sender: K, intent: 'tip', category: null });
  msg({ id: 'mK1', at: sh(2026, 11, 18, 11), platform: 'wechat', sender: K, name: '王五13912345678', intent: 'tip', category: null, caseId: 'cK' });
  reply({ kind: 'receipt', platform: 'wechat', to: K, caseId: 'cK', inbound: 'mK1', createdAt: sh(2026, 11, 18, 11, 0, 1), status: 'approved', sentAt: sh(2026, 11, 18, 11, 0, 30) });
  reply({ kind: 'advice', platform: 'wechat', to: K, caseId: 'cK', inbound: 'mK1', approval: 'required', createdAt: sh(2026, 11, 18, 11, 0, 31), status: 'rejected', decidedBy: 'o-li', decidedAt: sh(2026, 11, 18, 11, 5, 31) });

  // E (WeChat): an emergency.
  kase({ id: 'cE', number: 'NP20261120000001', at: sh(2026, 11, 20, 22), platform: 'wechat', sender: 'wx-e', intent: 'emergency', category: 'self_harm' });
  msg({ id: 'mE1', at: sh(2026, 11, 20, 22), platform: 'wechat', sender: 'wx-e', intent: 'emergency', category: 'self_harm', caseId: 'cE' });
  reply({ kind: 'emergency', platform: 'wechat', to: 'wx-e', caseId: 'cE', inbound: 'mE1', createdAt: sh(2026, 11, 20, 22, 0, 0, 200), status: 'approved', sentAt: sh(2026, 11, 20, 22, 0, 1) });

  // F (Telegram): a consultation at 23:59:59.999 on the last day; answered in December.
  const F = '5030000000';
  kase({ id: 'cF', number: 'NP20261130000001', at: sh(2026, 11, 30, 23, 59, 59, 999), platform: 'telegram', sender: F, intent: 'consult', category: 'fraud' });
  msg({ id: 'mF1', at: sh(2026, 11, 30, 23, 59, 59, 999), platform: 'telegram', sender: F, intent: 'consult', category: 'fraud', caseId: 'cF' });
  reply({ kind: 'advice', platform: 'telegram', to: F, caseId: 'cF', inbound: 'mF1', createdAt: sh(2026, 12, 1, 0, 0, 1), status: 'approved', sentAt: sh(2026, 12, 1, 0, 0, 2, 999) });

  // A troll stored but ignored, and a message not yet triaged (never answered).
  msg({ id: 'mI1', at: sh(2026, 11, 25, 3), platform: 'telegram', sender: '5066666666', intent: 'chitchat', status: 'ignored' });
  msg({ id: 'mU1', at: sh(2026, 11, 29, 12), platform: 'telegram', sender: '5077777777', intent: null, status: 'received' });

  // Warnings: poster P twice (rumor), poster Q once (pornography), poster R undeliverable; one expired draft.
  const warn = (to: string, reason: string, requestedBy: string, decidedBy: string, created: number, approvalMs: number, deliveryStatus = 'sent') =>
    reply({
      kind: 'warning',
      platform: 'telegram',
      to,
      approval: 'required',
      createdAt: created,
      status: 'approved',
      requestedBy,
      decidedBy,
      decidedAt: created + approvalMs,
      data: { target: { platform: 'telegram', conversationId: to, userId: to }, reason },
      deliveryStatus,
      ...(deliveryStatus === 'sent' ? { sentAt: created + approvalMs + 1000 } : {}),
    });
  warn('5099999999', 'rumor', 'o-li', 'o-wang', sh(2026, 11, 15, 15), 600_000);
  warn('5099999999', 'rumor', 'o-wang', 'o-li', sh(2026, 11, 22, 10), 240_000);
  warn('5099999998', 'pornography', 'o-li', 'o-wang', sh(2026, 11, 23, 9), 60_000);
  warn('5099999997', 'rumor', 'o-li', 'o-wang', sh(2026, 11, 24, 9), 30_000, 'undeliverable');
  reply({ kind: 'advice', platform: 'telegram', to: A, approval: 'required', createdAt: sh(2026, 11, 26), status: 'expired', decidedBy: null, decidedAt: null });

  // ---- December and another account: never counted in November for `default`.
  kase({ id: 'cZ', number: 'NP20261201000001', at: sh(2026, 12, 1), platform: 'telegram', sender: F, intent: 'consult', category: null });
  msg({ id: 'mZ', at: sh(2026, 12, 1), platform: 'telegram', sender: F, intent: 'consult', caseId: 'cZ' });
  msg({ id: 'mOther', at: sh(2026, 11, 10, 10), platform: 'telegram', sender: '5088888888', intent: 'tip', category: 'fraud', account: 'city2' });
  kase({ id: 'cOther', number: 'XX20261110000001', at: sh(2026, 11, 10, 10), platform: 'telegram', sender: '5088888888', intent: 'tip', category: 'fraud', account: 'city2' });
  reply({ kind: 'receipt', platform: 'telegram', to: '5088888888', caseId: 'cOther', createdAt: sh(2026, 11, 10, 10, 0, 1), status: 'approved', sentAt: sh(2026, 11, 10, 10, 0, 2), account: 'city2' });

  return {
    store,
    dir,
    cleanup() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
