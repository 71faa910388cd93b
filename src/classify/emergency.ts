/**
 * The emergency stage: runs before (and independently of) the statistical model, tuned for recall.
 * A hit makes the message intent `emergency` whatever the model says; see rules/emergency.ts for
 * the patterns and the contexts that suppress them.
 */
import {
  AT_EDGE,
  BENIGN_FAREWELL,
  BENIGN_OUTING,
  EMERGENCY_RULES,
  FRAUD_NOW,
  GUARDED_MASKS,
  GENERAL_QUESTION,
  LAW_QUESTION,
  LEGIT_REQUESTER,
  PAST_EVENT,
  REPORTED_ORGANISATION,
  RETRACTED,
  SCAM_WORD,
  SELF_HARM_CUES,
  SPECIFIC_EVENT,
  STATUS_QUESTION,
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
  FRAUD_RESOLVED,
  type EmergencyCategory,
} from './rules/emergency.ts';

export interface EmergencyHit {
  category: EmergencyCategory;
  /** `strong`: an unambiguous pattern; `weak`: a pattern that needed the context checks. */
  strength: 'strong' | 'weak';
}

const FIRST_PERSON = /我|咱/;
/** The writer says it of themself (「我…不想活」): film or game talk around it does not block self-harm. */
/** Praise of a film or book (「太感人了」「好虐」): 「我想死」 next to it is a reaction, not a statement. */
const FICTION_REACTION = /太感人|好感人|太好看|好好看|太虐|好虐|好哭|太好哭|哭死|泪目|破防/;
const FIRST_PERSON_SELF_HARM = /我[^。！？!?，,]{0,6}(?:不想活|想死|想自杀|要自杀|活不下去|去死|不想再活|结束自己|割|吃了)/;
/** A question whether something read is true: a rumor to check, not a live emergency. */
const VERIFYING = /真的吗|真的假的|是真的|是不是真的|谣言|辟谣|属实|可信吗|靠谱吗|是诈骗吗|是不是诈骗|是骗子吗|是不是骗子|是骗局吗|是不是骗局|正规吗/;
/** Someone, family, or a time word: the message is about something happening, not an opinion. */
const HERE_AND_NOW = /有人|有个|学生|老师|男的|女的|网友|小孩|爸|妈|孩子|儿子|女儿|老公|老婆|朋友|同学|邻居|哥|姐|弟|妹|现在|正在|刚刚|刚才|马上|今晚|还在|已经/;
const STILL_HAPPENING = /还要(?:转|交|充|付|汇|投)|正在|还在|现在(?:正在|还在|要|就要|让|在)|马上|立刻|赶紧|继续|还让|让我(?:今天|马上|现在)|再(?:追加|转|充|投|交)/;
/** Happening (again) now, for dangers told as past (「以前…现在又想了」). */
const AGAIN_NOW = /正在|还在|现在(?:又|还|正|在|要|就|人|真的|实在|已经不|彻底)|撑不住|受不了|马上|立刻|今天|今晚|刚刚|刚才|又(?:想|要|开始)/;

/** Splits a regex source at its top-level `|` (outside groups, classes and escapes). */
export function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') inClass = true;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

const PLAIN_WORD = /^[\u3400-\u9fffa-z0-9]+$/;

/**
 * An alternative opening with a group of plain words, split into one alternative per word
 * (「(?:安眠药|药)X」 → 「安眠药X」「药X」: (A|B)X matches where AX|BX does), so that it can be
 * factored by its first character; any other alternative is returned as it is.
 */
function expandLeadingGroup(alt: string): string[] {
  if (!alt.startsWith('(?:')) return [alt];
  let depth = 0;
  let inClass = false;
  let close = -1;
  for (let i = 0; i < alt.length && close < 0; i += 1) {
    const ch = alt[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') inClass = true;
    else if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth === 0) close = i;
    }
  }
  if (close < 0) return [alt];
  const after = alt.slice(close + 1);
  if (after.length > 0 && '?*+{'.includes(after[0]!)) return [alt];
  const words = topLevelAlternatives(alt.slice(3, close));
  if (!words.every((w) => PLAIN_WORD.test(w))) return [alt];
  return words.map((w) => `${w}${after}`);
}

/**
 * The same regex with top-level alternatives that start with the same plain character grouped under
 * it (「不想活|不如死了」 → 「不(?:想活|如死了)」; an opening group of plain words is split first):
 * the engine then tries one branch per first character instead of every alternative at every
 * position. Matches exactly what the input matches.
 */
export function factorByFirstChar(re: RegExp): RegExp {
  const groups = new Map<string, string[]>();
  const rest: string[] = [];
  for (const alt of topLevelAlternatives(re.source).flatMap(expandLeadingGroup)) {
    const first = alt[0];
    const next = alt[1];
    const plain = first !== undefined && /[\u3400-\u9fffa-z0-9]/.test(first) && (next === undefined || !'?*+{'.includes(next));
    if (!plain) {
      rest.push(alt);
      continue;
    }
    const list = groups.get(first) ?? [];
    list.push(alt.slice(1));
    groups.set(first, list);
  }
  const factored = [...groups].map(([first, tails]) =>
    tails.length === 1 ? `${first}${tails[0]!}` : `${first}(?:${tails.join('|')})`,
  );
  return new RegExp([...factored, ...rest].join('|'), re.flags);
}

/**
 * One regex matching whenever any of `patterns` matches (none of them uses flags or back-references).
 * Messages that match no pattern — most of them — then cost one scan per tier instead of dozens.
 */
function anyOf(patterns: readonly RegExp[]): RegExp {
  return factorByFirstChar(new RegExp(patterns.map((re) => re.source).join('|')));
}

/** The rules with their alternatives factored (same matches, faster): what the stage runs. */
const RULES = EMERGENCY_RULES.map((r) => ({
  category: r.category,
  strong: r.strong.map(factorByFirstChar),
  weak: r.weak.map(factorByFirstChar),
}));
const DANGER_WORDS = DANGER.map((d) => ({ category: d.category, re: factorByFirstChar(d.re) }));
const CUES = SELF_HARM_CUES.map(factorByFirstChar);
const ANY_CUE = anyOf(SELF_HARM_CUES);
const FRAUD_NOW_F = factorByFirstChar(FRAUD_NOW);
const AT_EDGE_F = factorByFirstChar(AT_EDGE);
const ANY_STRONG = anyOf(EMERGENCY_RULES.flatMap((r) => r.strong));
const ANY_WEAK = anyOf(EMERGENCY_RULES.flatMap((r) => r.weak));
const ANY_DANGER = anyOf(DANGER.map((d) => d.re));

/** Number of different self-harm cue groups present. */
function selfHarmCueCount(t: string): number {
  let n = 0;
  for (const re of CUES) if (re.test(t)) n += 1;
  return n;
}

/** The text with harmless idioms (「笑死」「救命这题」…) blanked out. */
export function maskIdioms(lowerText: string): string {
  let t = lowerText.replace(MASKS, '□');
  for (const [guard, mask] of GUARDED_MASKS) if (guard.test(t)) t = t.replace(mask, '□');
  return t;
}

/**
 * True when the context says the message is not a live emergency whatever its words: a joke, film
 * or game talk, a hypothetical, a question whether something is true, a danger already over.
 * The model's emergency back-stop (classifier.ts) respects it.
 */
export function emergencyContextBlocked(lowerText: string): boolean {
  return maskedContextBlocked(maskIdioms(lowerText));
}

/**
 * A forwarded post, news report or report about an organisation that does not say 「我」: second
 * hand, as for the rules' weak tier. (Masked text.)
 */
export function maskedSecondHand(t: string): boolean {
  return (FORWARDED.test(t) || REPORTAGE.test(t) || REPORTED_ORGANISATION.test(t)) && !FIRST_PERSON.test(t);
}

/** {@link emergencyContextBlocked} on text already passed through {@link maskIdioms}. */
export function maskedContextBlocked(t: string): boolean {
  return (
    FICTION.test(t) ||
    (GAME.test(t) && !REAL_WORLD.test(t)) ||
    JOKING.test(t) ||
    RESOLVED.test(t) ||
    FRAUD_RESOLVED.test(t) ||
    generallyBlocked(t) ||
    (PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t))
  );
}

/**
 * Contexts that block every pattern, self-harm included: a retraction (「开玩笑的」), a hypothetical,
 * a question about the law or a general how-to question, a status query about an earlier report, a question whether something is true, a
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
    (PAST_EVENT.test(t) && !AGAIN_NOW.test(t)) ||
    (STATUS_QUESTION.test(t) && !AGAIN_NOW.test(t))
  );
}

/** Context predicates, by index into a message's cache (module-level: no closure per message). */
const PREDICATES: ReadonlyArray<(t: string) => boolean> = [
  generallyBlocked,
  function fiction(t) {
    return FICTION.test(t) || (GAME.test(t) && !REAL_WORLD.test(t));
  },
  function firstPerson(t) {
    return FIRST_PERSON.test(t);
  },
  function firstPersonSelfHarm(t) {
    return FIRST_PERSON_SELF_HARM.test(t) && !FICTION_REACTION.test(t);
  },
  function forwardedOrNews(t) {
    return FORWARDED.test(t) || REPORTAGE.test(t);
  },
  function reportedOrganisation(t) {
    return REPORTED_ORGANISATION.test(t);
  },
  function fraudOver(t) {
    return PAST_FRAUD.test(t) && !STILL_HAPPENING.test(t);
  },
  // 「老师让我们下载钉钉开会」: a legitimate request, unless a scam word says otherwise.
  function legitRequest(t) {
    return LEGIT_REQUESTER.test(t) && !SCAM_WORD.test(t);
  },
  function joking(t) {
    return JOKING.test(t);
  },
  function resolved(t) {
    return RESOLVED.test(t);
  },
  function fraudResolved(t) {
    return FRAUD_RESOLVED.test(t);
  },
  function consulting(t) {
    return CONSULTING.test(t);
  },
  function present(t) {
    return PRESENT.test(t);
  },
];

/**
 * The contexts of one message, created only once some pattern matched (most messages match none),
 * each computed on first read: a strong self-harm hit never pays for the fraud contexts.
 */
class Context {
  /** Per predicate: 0 not computed, 1 false, 2 true. */
  private readonly cache = new Uint8Array(PREDICATES.length);
  constructor(private readonly t: string) {}

  private read(i: number): boolean {
    let v = this.cache[i]!;
    if (v === 0) {
      v = PREDICATES[i]!(this.t) ? 2 : 1;
      this.cache[i] = v;
    }
    return v === 2;
  }

  get blocked(): boolean {
    return this.read(0);
  }
  get fiction(): boolean {
    return this.read(1);
  }
  get firstPerson(): boolean {
    return this.read(2);
  }
  get firstPersonSelfHarm(): boolean {
    return this.read(3);
  }
  get forwardedOrNews(): boolean {
    return this.read(4);
  }
  get secondHand(): boolean {
    return !this.firstPerson && this.forwardedOrNews;
  }
  get reportedOrganisation(): boolean {
    return this.read(5);
  }
  get fraudOver(): boolean {
    return this.read(6);
  }
  get legitRequest(): boolean {
    return this.read(7);
  }
  get joking(): boolean {
    return this.read(8);
  }
  get resolved(): boolean {
    return this.read(9);
  }
  get fraudResolved(): boolean {
    return this.read(10);
  }
  get consulting(): boolean {
    return this.read(11);
  }
  get present(): boolean {
    return this.read(12);
  }
}

function contextOf(t: string): Context {
  return new Context(t);
}

/** Whether any of the patterns matches (a plain loop: no closure per call on the hot path). */
function anyMatch(patterns: readonly RegExp[], t: string): boolean {
  for (const re of patterns) if (re.test(t)) return true;
  return false;
}

/** Whether a weak-tier hit may fire in this context. */
function weakAllowed(c: Context): boolean {
  return !(c.blocked || c.fiction || c.joking || c.resolved || ((c.forwardedOrNews || c.reportedOrganisation) && !c.firstPerson));
}

/**
 * Detects an emergency in normalized, lower-cased text; null when there is none. Tiers, in order:
 * strong patterns, a fraud being carried out now, weak patterns, a person at an edge, two or more
 * self-harm cues, danger words in short here-and-now messages. Each tier has its blocking contexts
 * (see rules/emergency.ts); `generallyBlocked` ones block all. Contexts are computed only once a
 * pattern matched, which keeps the stage cheap for the many messages that match none.
 */
export function detectEmergency(lowerText: string): EmergencyHit | null {
  return detectEmergencyMasked(maskIdioms(lowerText));
}

/** {@link detectEmergency} on text already passed through {@link maskIdioms} (the classifier masks once). */
export function detectEmergencyMasked(t: string): EmergencyHit | null {
  let c: Context | null = null;
  const anyStrong = ANY_STRONG.test(t);
  for (const rule of RULES) {
    if (!anyStrong) break;
    if (!anyMatch(rule.strong, t)) continue;
    c ??= contextOf(t);
    if (c.blocked) return null;
    if (rule.category === 'fraud' && (c.fraudOver || c.resolved || c.fraudResolved || c.legitRequest)) continue;
    const fictionBlocks = c.fiction && !(rule.category === 'self_harm' && c.firstPersonSelfHarm);
    if (fictionBlocks || c.secondHand || (c.joking && rule.category !== 'self_harm')) continue;
    return { category: rule.category, strength: 'strong' };
  }
  if (FRAUD_NOW_F.test(t) && SCAM_WORD.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c) && !c.fraudOver && !c.fraudResolved && !c.legitRequest) return { category: 'fraud', strength: 'weak' };
  }
  const anyWeak = ANY_WEAK.test(t);
  for (const rule of RULES) {
    if (!anyWeak) break;
    if (!anyMatch(rule.weak, t)) continue;
    c ??= contextOf(t);
    if (!weakAllowed(c)) return null;
    if (rule.category === 'fraud' && (c.fraudOver || c.fraudResolved || c.consulting || c.legitRequest)) continue;
    return { category: rule.category, strength: 'weak' };
  }
  if (AT_EDGE_F.test(t) && !BENIGN_OUTING.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c)) return { category: 'self_harm', strength: 'weak' };
  }
  if (ANY_CUE.test(t) && selfHarmCueCount(t) >= 2 && !BENIGN_FAREWELL.test(t)) {
    c ??= contextOf(t);
    if (weakAllowed(c)) return { category: 'self_harm', strength: 'weak' };
  }
  // Danger words alone: only in short messages about the here and now.
  if (t.length > 80 || !ANY_DANGER.test(t) || !(FIRST_PERSON.test(t) || HERE_AND_NOW.test(t))) return null;
  for (const { category, re } of DANGER_WORDS) {
    if (!re.test(t)) continue;
    c ??= contextOf(t);
    if (!weakAllowed(c) || (c.consulting && !c.present)) return null;
    if (category === 'fraud' && (c.fraudOver || c.fraudResolved || c.legitRequest || c.consulting)) continue;
    return { category, strength: 'weak' };
  }
  return null;
}
