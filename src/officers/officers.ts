/**
 * The officers' allow-list and their API tokens. Only active entries may decide drafts, in chat or over
 * HTTP. A token is shown once and stored as an scrypt hash; it names its officer so lookup needs no scan,
 * and comparison is constant-time.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { OfficerRoleSchema, PlatformSchema, type Officer, type OfficerRole } from '../domain/schemas.ts';
import type { Platform } from '../domain/vocabulary.ts';
import { UserFacingError } from '../errors.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import { newId } from '../store/ids.ts';
import { officers } from '../store/schema.ts';

type OfficerRow = typeof officers.$inferSelect;

export const AddOfficerSchema = z.object({
  platform: PlatformSchema,
  userId: z.string().trim().min(1, 'user id is required').max(256),
  name: z.string().trim().min(1, 'name is required').max(100),
  role: OfficerRoleSchema.default('officer'),
});

function toOfficer(r: OfficerRow): Officer {
  return { id: r.id, platform: r.platform as Platform, userId: r.userId, name: r.name, role: r.role as OfficerRole, active: r.active, createdAt: new Date(r.createdAt) };
}

const SCRYPT_KEYLEN = 32;

function hashSecret(secret: string, salt = randomBytes(16)): string {
  const hash = scryptSync(secret, salt, SCRYPT_KEYLEN, { N: 16384, r: 8, p: 1 });
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function secretMatches(secret: string, stored: string): boolean {
  const [scheme, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = scryptSync(secret, Buffer.from(saltB64, 'base64url'), expected.length, { N: 16384, r: 8, p: 1 });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Adds (or re-activates and updates) an officer. With `token`, issues a new API token and returns it once. */
export function addOfficer(store: Store, input: z.input<typeof AddOfficerSchema>, opts: { token?: boolean; actor?: string; account?: string } = {}): { officer: Officer; token?: string } {
  const data = AddOfficerSchema.parse(input);
  return transaction(store, () => {
    const existing = store.db.select().from(officers).where(and(eq(officers.platform, data.platform), eq(officers.userId, data.userId))).get();
    const id = existing?.id ?? newId();
    let token: string | undefined;
    let tokenHash = existing?.tokenHash ?? null;
    if (opts.token) {
      const secret = randomBytes(24).toString('base64url');
      token = `np_${id.replace(/-/g, '')}_${secret}`;
      tokenHash = hashSecret(secret);
    }
    const now = Date.now();
    if (existing) {
      store.db.update(officers).set({ name: data.name, role: data.role, active: true, removedAt: null, tokenHash }).where(eq(officers.id, id)).run();
    } else {
      store.db.insert(officers).values({ id, platform: data.platform, userId: data.userId, name: data.name, role: data.role, tokenHash, active: true, createdAt: now }).run();
    }
    appendAudit(store, {
      account: opts.account ?? 'default',
      actor: opts.actor ?? 'cli',
      action: existing ? 'officer.updated' : 'officer.added',
      subjectType: 'officer',
      subjectId: id,
      data: { platform: data.platform, userId: data.userId, name: data.name, role: data.role, tokenIssued: Boolean(opts.token) },
    });
    const row = store.db.select().from(officers).where(eq(officers.id, id)).get();
    if (!row) throw new Error('officer row vanished');
    return { officer: toOfficer(row), ...(token ? { token } : {}) };
  });
}

/** Deactivates an officer (kept for the audit trail); their token stops working at once. */
export function removeOfficer(store: Store, platform: Platform, userId: string, opts: { actor?: string; account?: string } = {}): Officer {
  return transaction(store, () => {
    const row = store.db.select().from(officers).where(and(eq(officers.platform, platform), eq(officers.userId, userId))).get();
    if (!row || !row.active) throw new UserFacingError(`no active officer ${platform}:${userId}`, 'not_found', 404);
    store.db.update(officers).set({ active: false, removedAt: Date.now(), tokenHash: null }).where(eq(officers.id, row.id)).run();
    appendAudit(store, { account: opts.account ?? 'default', actor: opts.actor ?? 'cli', action: 'officer.removed', subjectType: 'officer', subjectId: row.id, data: { platform, userId } });
    return toOfficer({ ...row, active: false });
  });
}

export function listOfficers(store: Store, opts: { includeInactive?: boolean } = {}): Officer[] {
  const q = store.db.select().from(officers);
  const rows = opts.includeInactive ? q.orderBy(asc(officers.createdAt)).all() : q.where(eq(officers.active, true)).orderBy(asc(officers.createdAt)).all();
  return rows.map(toOfficer);
}

/** The active officer with this platform identity, or undefined. */
export function findOfficer(store: Store, platform: Platform, userId: string): Officer | undefined {
  const row = store.db.select().from(officers).where(and(eq(officers.platform, platform), eq(officers.userId, userId))).get();
  return row && row.active ? toOfficer(row) : undefined;
}

export function officerById(store: Store, id: string): Officer | undefined {
  const row = store.db.select().from(officers).where(eq(officers.id, id)).get();
  return row ? toOfficer(row) : undefined;
}

export type TokenCheck = { ok: true; officer: Officer } | { ok: false; reason: 'unknown' | 'inactive' };

/** Checks a bearer token. `inactive`: the token was valid for someone no longer on the list. */
export function authenticateToken(store: Store, token: string): TokenCheck {
  const m = /^np_([0-9a-f]{32})_([A-Za-z0-9_-]{20,})$/.exec(token);
  if (!m) return { ok: false, reason: 'unknown' };
  const hex = m[1] ?? '';
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const row = store.db.select().from(officers).where(eq(officers.id, id)).get();
  if (!row) return { ok: false, reason: 'unknown' };
  if (!row.active) return { ok: false, reason: 'inactive' };
  if (!row.tokenHash || !secretMatches(m[2] ?? '', row.tokenHash)) return { ok: false, reason: 'unknown' };
  return { ok: true, officer: toOfficer(row) };
}
