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

/** Expected template keys per intent × category (null = no category) with no rebuttal match. */
const TIP: Record<string, string> = {
  fraud: 'receipt.fraud+advice.fraud',
  gambling: 'receipt.gambling',
  pornography: 'receipt.pornography',
  weapons: 'receipt.weapons',
  drugs: 'receipt.drugs',
  personal_data: 'receipt.personal_data',
  rumor: 'receipt.rumor',
  hacking: 'receipt.hacking',
  violent_threat: 'emergency.violent_threat',
  self_harm: 'emergency.self_harm',
  other: 'receipt.general',
  null: 'receipt.general',
};
const CONSULT: Record<string, string> = {
  fraud: 'advice.fraud',
  gambling: 'advice.gambling',
  pornography: 'advice.pornography',
  personal_data: 'advice.personal_data',
  hacking: 'advice.hacking',
  rumor: 'advice.rumor',
  self_harm: 'emergency.self_harm',
};
/** The template keys (joined by +) the default policy answers intent × category with, no rebuttal match. */
export function expectedTemplates(intent: Intent, category: Category | null): string {
  const c = String(category);
  if (category === 'self_harm') return 'emergency.self_harm';
  switch (intent) {
    case 'tip':
      return TIP[c] ?? '?';
    case 'verify':
      return 'verify.still_verifying';
    case 'consult':
      return CONSULT[c] ?? 'faq.general';
    case 'emergency':
      return category === 'violent_threat' ? 'emergency.violent_threat' : 'emergency.general';
    case 'status':
      return 'status.not_found';
    case 'chitchat':
      return category === null ? 'chitchat.greeting' : 'fallback';
  }
}

