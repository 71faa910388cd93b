/**
 * The rebuttal library in the store: add or import entries (upsert by id), list, get. Publishing
 * (approve + find the askers) lives in publish.ts.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { desc, eq } from 'drizzle-orm';
import { UserFacingError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { rebuttals } from '../store/schema.ts';
import { RebuttalEntrySchema, type RebuttalEntry, type RebuttalEntryParsed } from './schema.ts';

type Row = typeof rebuttals.$inferSelect;

function toEntry(r: Row): RebuttalEntry {
  return {
    id: r.id,
    title: r.title,
    claims: r.claims,
    verdict: r.verdict as RebuttalEntry['verdict'],
    rebuttal: r.rebuttal,
    source: r.source,
    status: r.status as RebuttalEntry['status'],
    publishedAt: r.publishedAt === null ? null : new Date(r.publishedAt),
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  };
}

/** Validates one entry; the error names `where` (file and line) and the fields at fault. */
export function parseEntry(raw: unknown, where: string): RebuttalEntryParsed {
  const r = RebuttalEntrySchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new UserFacingError(`${where}: invalid rebuttal entry: ${issues}`, 'invalid_rebuttal', 400);
  }
  return r.data;
}

/**
 * Inserts or updates entries by id, in one transaction (all or nothing). An approved entry without
 * a publishedAt gets now. Returns how many were new and how many updated.
 */
export function upsertEntries(store: Store, entries: RebuttalEntryParsed[], now: Date = new Date()): { added: number; updated: number } {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new UserFacingError(`rebuttal id "${e.id}" appears twice`, 'invalid_rebuttal', 400);
    ids.add(e.id);
  }
  let added = 0;
  let updated = 0;
  store.sqlite
    .transaction(() => {
      for (const e of entries) {
        const existing = store.db.select().from(rebuttals).where(eq(rebuttals.id, e.id)).get();
        const publishedAt = e.publishedAt?.getTime() ?? (e.status === 'approved' ? (existing?.publishedAt ?? now.getTime()) : null);
        const values = {
          title: e.title,
          claims: e.claims,
          verdict: e.verdict,
          rebuttal: e.rebuttal,
          source: e.source,
          status: e.status,
          publishedAt,
          updatedAt: now.getTime(),
        };
        if (existing) {
          store.db.update(rebuttals).set(values).where(eq(rebuttals.id, e.id)).run();
          updated++;
        } else {
          store.db.insert(rebuttals).values({ id: e.id, createdAt: now.getTime(), ...values }).run();
          added++;
        }
      }
    })
    .immediate();
  return { added, updated };
}

/** Parses a library file: `.jsonl` (one entry a line), `.json` (an entry or an array) or `.yaml`/`.yml` (an entry, a list, or `{ entries: [...] }`). */
export function parseLibraryText(text: string, name: string): RebuttalEntryParsed[] {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    const out: RebuttalEntryParsed[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (err) {
        throw new UserFacingError(`${name}:${i + 1}: not JSON: ${(err as Error).message}`, 'invalid_rebuttal', 400);
      }
      out.push(parseEntry(raw, `${name}:${i + 1}`));
    });
    return out;
  }
  let doc: unknown;
  try {
    doc = lower.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new UserFacingError(`${name}: cannot parse: ${(err as Error).message}`, 'invalid_rebuttal', 400);
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'entries' in doc) doc = (doc as { entries: unknown }).entries;
  const list = Array.isArray(doc) ? doc : [doc];
  return list.map((raw, i) => parseEntry(raw, list.length > 1 ? `${name} entry ${i + 1}` : name));
}

/** Reads a library file (see {@link parseLibraryText}) and upserts its entries. */
export async function importFile(store: Store, file: string): Promise<{ added: number; updated: number }> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw new UserFacingError(`cannot read ${file}: ${(err as Error).message}`, 'bad_request', 400);
  }
  return upsertEntries(store, parseLibraryText(text, file));
}

/** Every entry, newest first. */
export function listRebuttals(store: Store, opts: { status?: 'draft' | 'approved' } = {}): RebuttalEntry[] {
  const q = store.db.select().from(rebuttals);
  const rows = opts.status ? q.where(eq(rebuttals.status, opts.status)).orderBy(desc(rebuttals.updatedAt)).all() : q.orderBy(desc(rebuttals.updatedAt)).all();
  return rows.map(toEntry);
}

export function getRebuttal(store: Store, id: string): RebuttalEntry | null {
  const r = store.db.select().from(rebuttals).where(eq(rebuttals.id, id)).get();
  return r ? toEntry(r) : null;
}
