/**
 * The reply policy: which templates answer each intent × category × confidence band, and whether a
 * reply waits for an officer. Loaded from `templates/policy.yaml` (the defaults) and validated with
 * zod; a bad file stops start-up with a ConfigError naming the problem.
 *
 * Fixed rules the file cannot loosen: an `emergency` reply (and anything at priority 0) never waits
 * for approval; a `warning` always does.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { CategorySchema, IntentSchema, ReplyKindSchema } from '../domain/schemas.ts';
import type { Category, Intent, ReplyKind } from '../domain/vocabulary.ts';
import { ConfigError } from '../errors.ts';
import { DEFAULT_TEMPLATES_DIR } from './templates.ts';

const Approval = z.enum(['auto', 'required']);
const TemplateKey = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/);

/** `$rebuttal`: the rebuttal flow by band; `$rebuttal-if-match`: same, but nothing in the low band; `$status`: status.found / status.not_found. */
export const SPECIAL_REPLIES = ['$rebuttal', '$rebuttal-if-match', '$status'] as const;

const ReplyRef = z.union([
  z.enum(SPECIAL_REPLIES),
  TemplateKey,
  z.object({ template: TemplateKey, approval: Approval.optional(), priority: z.number().int().min(0).max(9).optional() }).strict(),
]);

const BandReply = z.object({ template: TemplateKey, approval: Approval }).strict();

export const PolicySchema = z
  .object({
    confidenceThreshold: z.number().min(0).max(1).default(0.55),
    priorities: z.partialRecord(ReplyKindSchema, z.number().int().min(0).max(9)).default({}),
    rebuttal: z
      .object({
        highApproved: BandReply,
        highDraft: BandReply,
        middle: BandReply,
        low: BandReply,
      })
      .strict(),
    status: z.object({ found: TemplateKey, notFound: TemplateKey }).strict(),
    fallback: TemplateKey,
    rules: z
      .array(
        z
          .object({
            intent: z.union([IntentSchema, z.literal('*')]),
            category: z.union([CategorySchema, z.literal('none'), z.literal('*')]),
            replies: z.array(ReplyRef).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;
export type ReplyRefT = z.infer<typeof ReplyRef>;

export const DEFAULT_POLICY_FILE = path.join(DEFAULT_TEMPLATES_DIR, 'policy.yaml');

const DEFAULT_PRIORITIES: Record<ReplyKind, number> = {
  emergency: 0,
  warning: 3,
  status: 4,
  receipt: 5,
  advice: 5,
  forward_notice: 5,
  rebuttal: 6,
  fallback: 8,
};

/** Reads and validates a policy file; throws ConfigError naming the file and the problem. */
export function loadPolicy(file: string = DEFAULT_POLICY_FILE): Policy {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`reply policy ${file}: ${(err as Error).message}`);
  }
  const parsed = PolicySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`reply policy ${file}: ${issues}`);
  }
  return parsed.data;
}

/** The first rule matching intent × category (`none` matches a null category, `*` anything). */
export function findRule(policy: Policy, intent: Intent, category: Category | null): Policy['rules'][number] | undefined {
  return policy.rules.find(
    (r) =>
      (r.intent === '*' || r.intent === intent) &&
      (r.category === '*' || (r.category === 'none' ? category === null : r.category === category)),
  );
}

export function priorityFor(policy: Policy, kind: ReplyKind): number {
  return policy.priorities[kind] ?? DEFAULT_PRIORITIES[kind];
}

/** Every template key the policy names (for `templates validate`). */
export function policyTemplateKeys(policy: Policy): string[] {
  const keys = new Set<string>([policy.fallback, policy.status.found, policy.status.notFound]);
  for (const b of Object.values(policy.rebuttal)) keys.add(b.template);
  for (const r of policy.rules) {
    for (const ref of r.replies) {
      if (typeof ref === 'object') keys.add(ref.template);
      else if (!(SPECIAL_REPLIES as readonly string[]).includes(ref)) keys.add(ref);
    }
  }
  return [...keys].sort();
}
