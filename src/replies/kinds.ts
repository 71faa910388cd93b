/**
 * Which variables each reply kind may use. A template is refused at save time when it names a
 * variable its kind does not declare, and every render fills every declared variable (null when the
 * caller has no value), so `strictVariables` only ever trips on a template bug, never on missing data.
 */
import type { ReplyKind } from '../domain/vocabulary.ts';

/** Available to every kind. */
export const COMMON_VARIABLES = [
  'accountName', // the public account's name, e.g. 某市公安局网警巡查执法
  'platform', // console, http, telegram, wechat, wechat-oa
  'caseNumber', // the case number (null when there is none)
  'isNew', // true when this message opened the case
  'intent',
  'intentZh',
  'category',
  'categoryZh',
  'today', // YYYY-MM-DD in Asia/Shanghai
] as const;

const KIND_VARIABLES: Record<ReplyKind, readonly string[]> = {
  receipt: ['amount'],
  advice: ['amount'],
  rebuttal: ['title', 'verdict', 'verdictZh', 'rebuttal', 'source'],
  warning: ['content', 'place', 'reason', 'reasonZh', 'userName'],
  emergency: [],
  status: ['found', 'status', 'statusZh', 'openedAt', 'department'],
  forward_notice: ['department'],
  fallback: [],
};

/** Every variable a template of `kind` may use. */
export function allowedVariables(kind: ReplyKind): readonly string[] {
  return [...COMMON_VARIABLES, ...KIND_VARIABLES[kind]];
}
