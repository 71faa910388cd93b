/**
 * The emergency stage: runs before (and independently of) the statistical model, tuned for recall.
 * A hit makes the message intent `emergency` whatever the model says; see rules/emergency.ts for
 * the patterns and the contexts that suppress them.
 */
import {
  EMERGENCY_RULES,
  FICTION,
  FORWARDED,
  CONSULTING,
  DANGER,
  GAME,
  HABITUAL,
  HYPOTHETICAL,
  JOKING,
  MASKS,
  PAST_FRAUD,
  PRESENT,
  REAL_WORLD,
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
/** A question whether something read is true: a rumor to check, not a live emergency. */
const VERIFYING = /真的吗|真的假的|是真的|是不是真的|谣言|辟谣|属实|可信吗|靠谱吗/;
/** Someone, family, or a time word: the message is about something happening, not an opinion. */
const HERE_AND_NOW = /有人|有个|学生|老师|男的|女的|网友|小孩|爸|妈|孩子|儿子|女儿|老公|老婆|朋友|同学|邻居|哥|姐|弟|妹|现在|正在|刚刚|刚才|马上|今晚|还在|已经/;
const STILL_HAPPENING = /正在|还在|现在(?:正在|还在|要|就要|让|在)|马上|立刻|赶紧|继续|还让/;

/** The text with harmless idioms (「笑死」「救命这题」…) blanked out. */
export function maskIdioms(lowerText: string): string {
  return lowerText.replace(MASKS, '□');
}

/**
 * True when the context says the message is not a live emergency whatever its words: a joke, film
 * or game talk, a hypothetical, a question whether something is true, a danger already over.
 * The model's emergency back-stop (classifier.ts) respects it.
 */
export function emergencyContextBlocked(lowerText: string): boolean {
  const t = maskIdioms(lowerText);
  return (
    FICTION.test(t) ||
    (GAME.test(t) && !REAL_WORLD.test(t)) ||
    JOKING.test(t) ||
    RESOLVED.test(t) ||
    HYPOTHETICAL.test(t) ||
    (VERIFYING.test(t) && !PRESENT.test(t)) ||
    (HABITUAL.test(t) && !PRESENT.test(t)) ||
    (PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t))
  );
}

/** Detects an emergency in normalized, lower-cased text; null when there is none. */
export function detectEmergency(lowerText: string): EmergencyHit | null {
  const t = maskIdioms(lowerText);
  const fiction = FICTION.test(t) || (GAME.test(t) && !REAL_WORLD.test(t));
  const firstPerson = FIRST_PERSON.test(t);
  const secondHand = !firstPerson && (FORWARDED.test(t) || REPORTAGE.test(t));
  const fraudOver = PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t);
  const joking = JOKING.test(t);
  const resolved = RESOLVED.test(t);
  if (HYPOTHETICAL.test(t)) return null;
  if (VERIFYING.test(t) && !PRESENT.test(t)) return null;
  if (HABITUAL.test(t) && !PRESENT.test(t)) return null;
  const consulting = CONSULTING.test(t);
  for (const rule of EMERGENCY_RULES) {
    if (rule.category === 'fraud' && (fraudOver || resolved)) continue;
    const fictionBlocks = fiction && !(rule.category === 'self_harm' && firstPerson);
    if (fictionBlocks || secondHand || (joking && rule.category !== 'self_harm')) continue;
    if (rule.strong.some((re) => re.test(t))) return { category: rule.category, strength: 'strong' };
  }
  if (fiction || joking || resolved) return null;
  const forwardedOrNews = FORWARDED.test(t) || REPORTAGE.test(t);
  for (const rule of EMERGENCY_RULES) {
    if (rule.category === 'fraud' && (fraudOver || consulting)) continue;
    if (forwardedOrNews && !firstPerson) continue;
    if (rule.weak.some((re) => re.test(t))) return { category: rule.category, strength: 'weak' };
  }
  // Danger words alone: only in short messages about the here and now.
  if (t.length > 80 || !(firstPerson || HERE_AND_NOW.test(t)) || (forwardedOrNews && !firstPerson)) return null;
  if (consulting && !PRESENT.test(t)) return null;
  for (const { category, re } of DANGER) {
    if (category === 'fraud' && (fraudOver || (consulting && !PRESENT.test(t)))) continue;
    if (re.test(t)) return { category, strength: 'weak' };
  }
  return null;
}
