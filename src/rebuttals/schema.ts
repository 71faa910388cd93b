/**
 * The rebuttal library's entry (辟谣库条目) as files and commands give it: one JSONL line of
 * DESIGN.md, one YAML mapping, or one JSON object. Validated here before anything is stored.
 */
import { z } from 'zod';

export const VERDICTS = ['false', 'misleading', 'true', 'unverified'] as const;
export const REBUTTAL_STATUSES = ['draft', 'approved'] as const;

export const RebuttalEntrySchema = z
  .object({
    id: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
    title: z.string().trim().min(1).max(300),
    claims: z.array(z.string().trim().min(2).max(2000)).min(1).max(50),
    // YAML reads an unquoted `verdict: false` as a boolean.
    verdict: z.preprocess((v) => (typeof v === 'boolean' ? String(v) : v), z.enum(VERDICTS)),
    rebuttal: z.string().trim().min(1).max(4000),
    source: z.string().trim().max(2048).nullish().transform((s) => (s ? s : null)),
    status: z.enum(REBUTTAL_STATUSES).default('draft'),
    publishedAt: z.coerce.date().nullish().transform((d) => d ?? null),
  })
  .strict();
export type RebuttalEntryInput = z.input<typeof RebuttalEntrySchema>;
export type RebuttalEntryParsed = z.infer<typeof RebuttalEntrySchema>;

/** An entry as stored. */
export interface RebuttalEntry {
  id: string;
  title: string;
  claims: string[];
  verdict: (typeof VERDICTS)[number];
  rebuttal: string;
  source: string | null;
  status: (typeof REBUTTAL_STATUSES)[number];
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
