/**
 * The reply engine's public types. The triage worker builds a {@link ReplyInput} per message and gets
 * back rendered {@link DraftSpec}s; it never chooses templates itself (that is the policy's job).
 */
import type { CaseStatus, Classification } from '../domain/schemas.ts';
import type { ReplyKind } from '../domain/vocabulary.ts';

export type Locale = 'zh-Hans' | 'zh-Hant';
export const LOCALES = ['zh-Hans', 'zh-Hant'] as const;

export type Verdict = 'false' | 'misleading' | 'true' | 'unverified';
export type Band = 'high' | 'middle' | 'low';

/** One rebuttal-library entry proposed for a message, with its match score in [0, 1]. */
export interface RebuttalCandidate {
  id: string;
  title: string;
  score: number;
  verdict: Verdict;
  rebuttal: string;
  source: string | null;
  status: 'draft' | 'approved';
}

export interface ReplyInput {
  /** intent, category, confidence, entities. */
  classification: Classification;
  /** The case this message opened or joined. */
  case: { number: string; status: CaseStatus; isNew: boolean } | null;
  /** For intent 'status': the looked-up case (found=false when unknown or not this citizen's). */
  status?: { number: string; found: boolean; status?: CaseStatus; openedAt?: Date; department?: string | null };
  /** For verify / rumor messages. */
  rebuttal?: { band: Band; best: RebuttalCandidate | null; candidates: RebuttalCandidate[] };
  locale: Locale;
  account: { name: string };
  platform: string;
}

export interface DraftSpec {
  kind: ReplyKind;
  templateKey: string;
  text: string;
  approval: 'auto' | 'required';
  /** 0 emergency … 9. */
  priority: number;
  /** e.g. `{ rebuttalId, candidates }`, `{ lowConfidence, bestGuess }`. */
  data: Record<string, unknown>;
}

export interface RenderResult {
  text: string;
  kind: ReplyKind;
  approval: 'auto' | 'required';
}

export interface ReplyEngine {
  /** Pure decision + rendering: which replies answer this message (policy), rendered. */
  draft(input: ReplyInput): DraftSpec[];
  /** Renders one template by key (latest version) with variables; throws UserFacingError for unknown key/variables. */
  render(key: string, vars: Record<string, unknown>, locale?: Locale): RenderResult;
}
