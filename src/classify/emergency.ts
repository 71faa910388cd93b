/**
 * The emergency stage: runs before (and independently of) the statistical model, tuned for recall.
 * A hit makes the message intent `emergency` whatever the model says; see rules/emergency.ts for
 * the patterns and the contexts that suppress them.
 */
import {
  ANY_SELF_HARM_CUE,
  AT_EDGE,
  BENIGN_FAREWELL,
  BENIGN_OUTING,
  EMERGENCY_RULES,
  FRAUD_NOW,
  GENERAL_QUESTION,
  LAW_QUESTION,
  LEGIT_REQUESTER,
  PAST_EVENT,
  RETRACTED,
  SCAM_WORD,
  SELF_HARM_CUES,
  SPECIFIC_EVENT,
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
/** The writer says it of themself (「我…不想活」): film or game talk around it does not block self-harm. */
const FIRST_PERSON_SELF_HARM = /我[^。！？!?，,]{0,6}(?:不想活|想死|想自杀|要自杀|活不下去|去死|不想再活|结束自己|割|吃了)/;
/** A question whether something read is true: a rumor to check, not a live emergency. */
const VERIFYING = /真的吗|真的假的|是真的|是不是真的|谣言|辟谣|属实|可信吗|靠谱吗|是诈骗吗|是不是诈骗|是骗子吗|是不是骗子|是骗局吗|是不是骗局|正规吗/;
/** Someone, family, or a time word: the message is about something happening, not an opinion. */
const HERE_AND_NOW = /有人|有个|学生|老师|男的|女的|网友|小孩|爸|妈|孩子|儿子|女儿|老公|老婆|朋友|同学|邻居|哥|姐|弟|妹|现在|正在|刚刚|刚才|马上|今晚|还在|已经/;
const STILL_HAPPENING = /正在|还在|现在(?:正在|还在|要|就要|让|在)|马上|立刻|赶紧|继续|还让|让我(?:今天|马上|现在)|再(?:追加|转|充|投|交)/;
/** Happening (again) now, for dangers told as past (「以前…现在又想了」). */
const AGAIN_NOW = /正在|还在|现在(?!想起|回想|想想|看来|没事|好了|挺好|过得)|马上|立刻|今天|今晚|刚刚|刚才|又(?:想|要|开始)/;

/** Number of different self-harm cue groups present. */
function selfHarmCueCount(t: string): number {
  let n = 0;
  for (const re of SELF_HARM_CUES) if (re.test(t)) n += 1;
  return n;
}

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
    generallyBlocked(t) ||
    (PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t))
  );
}

/**
 * Contexts that block every pattern, self-harm included: a retraction (「开玩笑的」), a hypothetical,
 * a question about the law or a general how-to question, a question whether something is true, a
 * worry about something habitual, a danger told as past.
 */
function generallyBlocked(t: string): boolean {
  return (
    RETRACTED.test(t) ||
    HYPOTHETICAL.test(t) ||
    (LAW_QUESTION.test(t) && !SPECIFIC_EVENT.test(t)) ||
    (GENERAL_QUESTION.test(t) && !SPECIFIC_EVENT.test(t)) ||
    (VERIFYING.test(t) && !PRESENT.test(t)) ||
    (HABITUAL.test(t) && !PRESENT.test(t)) ||
    (PAST_EVENT.test(t) && !AGAIN_NOW.test(t))
  );
}

/** The contexts of one message, computed only once some pattern matched (most messages match none). */
interface Context {
  blocked: boolean;
  fiction: boolean;
  firstPerson: boolean;
  firstPersonSelfHarm: boolean;
  secondHand: boolean;
  forwardedOrNews: boolean;
  fraudOver: boolean;
  legitRequest: boolean;
  joking: boolean;
  resolved: boolean;
  consulting: boolean;
  present: boolean;
}

function contextOf(t: string): Context {
  const firstPerson = FIRST_PERSON.test(t);
  const forwardedOrNews = FORWARDED.test(t) || REPORTAGE.test(t);
  return {
    blocked: generallyBlocked(t),
    fiction: FICTION.test(t) || (GAME.test(t) && !REAL_WORLD.test(t)),
    firstPerson,
    firstPersonSelfHarm: FIRST_PERSON_SELF_HARM.test(t),
    secondHand: !firstPerson && forwardedOrNews,
    forwardedOrNews,
    fraudOver: PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t),
    // 「老师让我们下载钉钉开会」: a legitimate request, unless a scam word says otherwise.
    legitRequest: LEGIT_REQUESTER.test(t) && !SCAM_WORD.test(t),
    joking: JOKING.test(t),
    resolved: RESOLVED.test(t),
    consulting: CONSULTING.test(t),
    present: PRESENT.test(t),
  };
}

/** Whether any of the patterns matches (a plain loop: no closure per call on the hot path). */
function anyMatch(patterns: readonly RegExp[], t: string): boolean {
  for (const re of patterns) if (re.test(t)) return true;
  return false;
}

/** Whether a weak-tier hit may fire in this context. */
function weakAllowed(c: Context): boolean {
  return !(c.blocked || c.fiction || c.joking || c.resolved || (c.forwardedOrNews && !c.firstPerson));
}

/**
 * Detects an emergency in normalized, lower-cased text; null when there is none. Tiers, in order:
 * strong patterns, a fraud being carried out now, weak patterns, a person at an edge, two or more
 * self-harm cues, danger words in short here-and-now messages. Each tier has its blocking contexts
 * (see rules/emergency.ts); `generallyBlocked` ones block all. Contexts are computed only once a
 * pattern matched, which keeps the stage cheap for the many messages that match none.
 */
export function detectEmergency(lowerText: string): EmergencyHit | null {
  const t = maskIdioms(lowerText);
  let c: Context | null = null;
  for (const rule of EMERGENCY_RULES) {
    if (!anyMatch(rule.strong, t)) continue;
    c ??= contextOf(t);
    if (c.blocked) return null;
    if (rule.category === 'fraud' && (c.fraudOver || c.resolved || c.legitRequest)) continue;
    const fictionBlocks = c.fiction && !(rule.category === 'self_harm' && c.firstPersonSelfHarm);
    if (fictionBlocks || c.secondHand || (c.joking && rule.category !== 'self_harm')) continue;
    return { category: rule.category, strength: 'strong' };
  }
  if (FRAUD_NOW.test(t) && SCAM_WORD.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c) && !c.fraudOver && !c.legitRequest) return { category: 'fraud', strength: 'weak' };
  }
  for (const rule of EMERGENCY_RULES) {
    if (!anyMatch(rule.weak, t)) continue;
    c ??= contextOf(t);
    if (!weakAllowed(c)) return null;
    if (rule.category === 'fraud' && (c.fraudOver || c.consulting || c.legitRequest)) continue;
    return { category: rule.category, strength: 'weak' };
  }
  if (AT_EDGE.test(t) && !BENIGN_OUTING.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c)) return { category: 'self_harm', strength: 'weak' };
  }
  if (ANY_SELF_HARM_CUE.test(t) && selfHarmCueCount(t) >= 2 && !BENIGN_FAREWELL.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c)) return { category: 'self_harm', strength: 'weak' };
  }
  // Danger words alone: only in short messages about the here and now.
  if (t.length > 80 || !(FIRST_PERSON.test(t) || HERE_AND_NOW.test(t))) return null;
  for (const { category, re } of DANGER) {
    if (!re.test(t)) continue;
    c ??= contextOf(t);
    if (!weakAllowed(c) || (c.consulting && !c.present)) return null;
    if (category === 'fraud' && (c.fraudOver || c.legitRequest || c.consulting)) continue;
    return { category, strength: 'weak' };
  }
  return null;
}
