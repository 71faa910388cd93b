/**
 * Opens the SQLite database the whole process shares: WAL (readers never block the writer, several
 * processes can share the file), foreign keys on, a busy timeout so concurrent writers wait instead of
 * failing, and the committed migrations applied. This module is the only one that knows the store is
 * SQLite; moving to a shared database for workers on several machines starts here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  readonly db: Db;
  /** The raw connection, for transactions and the few hand-written statements (queue claims). */
  readonly sqlite: Database.Database;
  readonly path: string;
  /** A prepared statement for `sql`, prepared once per connection (hot paths skip drizzle's builder). */
  stmt(sql: string): Database.Statement;
  /**
   * A drizzle query built and prepared once per connection under `key` (values bound later through
   * `sql.placeholder`): typed rows without re-building and re-preparing the SQL on every call.
   */
  prepared<T>(key: string, build: (db: Db) => T): T;
  close(): void;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface StoreOptions {
  /** Apply the committed migrations (default true). */
  readonly migrate?: boolean;
  /**
   * Whole-table reads ahead (one-shot CLI commands: reports over months of log, audit verify): map the
   * file and keep a 64 MB page cache, which halves their system time. Long-running processes keep a
   * 16 MB cache and no map: under a 10,000-message burst the map and the larger cache added ~110 MB
   * of resident memory to `netpatrol start`.
   */
  readonly bulkReads?: boolean;
}

/** Opens (creating the folder if needed) and migrates. `file` is a path or `:memory:`. */
export function openStore(file: string, options: StoreOptions = {}): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma(options.bulkReads ? 'mmap_size = 268435456' : 'mmap_size = 0');
  sqlite.pragma(options.bulkReads ? 'cache_size = -65536' : 'cache_size = -16384');
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  let closed = false;
  const statements = new Map<string, Database.Statement>();
  const queries = new Map<string, unknown>();
  return {
    db,
    sqlite,
    path: file,
    stmt(sql: string) {
      let st = statements.get(sql);
      if (!st) {
        st = sqlite.prepare(sql);
        statements.set(sql, st);
      }
      return st;
    },
    prepared<T>(key: string, build: (d: Db) => T): T {
      let q = queries.get(key) as T | undefined;
      if (q === undefined) {
        q = build(db);
        queries.set(key, q);
      }
      return q;
    },
    close() {
      if (closed) return;
      closed = true;
      sqlite.close();
    },
  };
}

/** Runs `fn` in an IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlocks). */
export function transaction<T>(store: Store, fn: () => T): T {
  return store.sqlite.transaction(fn).immediate();
}
