/**
 * The emergency stage: runs before (and independently of) the statistical model, tuned for recall.
 * A hit makes the message intent `emergency` whatever the model says; see rules/emergency.ts for
 * the patterns and the contexts that suppress them.
 */
import {
  EMERGENCY_RULES,
  FICTION,
  FORWARDED,
  JOKING,
  MASKS,
  PAST_FRAUD,
  REPORTAGE,
  RESOLVED,
  type EmergencyCategory,
} from './rules/emergency.ts';

export interface EmergencyHit {
  category: EmergencyCategory;
  /** `strong`: an unambiguous pattern; `weak`: a pattern that needed the context checks. */
  strength: 'strong' | 'weak';
}

const FIRST_PERSON = /我|咱/;
const STILL_HAPPENING = /正在|还在|现在|马上|快|立刻|赶紧/;

/** Detects an emergency in normalized, lower-cased text; null when there is none. */
export function detectEmergency(lowerText: string): EmergencyHit | null {
  const t = lowerText.replace(MASKS, '□');
  const fiction = FICTION.test(t);
  const firstPerson = FIRST_PERSON.test(t);
  const secondHand = !firstPerson && (FORWARDED.test(t) || (t.length > 40 && REPORTAGE.test(t)));
  const fraudOver = PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t);
  const joking = JOKING.test(t);
  const resolved = RESOLVED.test(t);
  for (const rule of EMERGENCY_RULES) {
    if (rule.category === 'fraud' && (fraudOver || resolved)) continue;
    const fictionBlocks = fiction && !(rule.category === 'self_harm' && firstPerson);
    if (fictionBlocks || secondHand || (joking && rule.category !== 'self_harm')) continue;
    if (rule.strong.some((re) => re.test(t))) return { category: rule.category, strength: 'strong' };
  }
  if (fiction || joking || resolved) return null;
  const forwardedOrNews = FORWARDED.test(t) || (t.length > 40 && REPORTAGE.test(t));
  for (const rule of EMERGENCY_RULES) {
    if (rule.category === 'fraud' && fraudOver) continue;
    if (forwardedOrNews && !firstPerson) continue;
    if (rule.weak.some((re) => re.test(t))) return { category: rule.category, strength: 'weak' };
  }
  return null;
}
