import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.ts';
import type { Classification } from '../../src/domain/schemas.ts';
import type { Category, Intent } from '../../src/domain/vocabulary.ts';

/** A fresh migrated SQLite file in a temp dir; `cleanup` closes and removes it. */
export function tempStore(): { store: Store; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-replies-'));
  const store = openStore(path.join(dir, 'db.sqlite'));
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function classification(intent: Intent, category: Category | null, confidence = 0.9, amounts: number[] = []): Classification {
  return {
    intent,
    category,
    confidence,
    entities: { phones: [], urls: [], bankCards: [], idNumbers: [], wechatIds: [], qqNumbers: [], amounts },
    rebuttal: null,
  };
}
