/**
 * The decision: normalization → entities → emergency stage → lexicons + model → rules → officers'
 * overrides. Pure and synchronous; one instance can classify any number of messages.
 */
import type { Classification } from '../domain/schemas.ts';
import type { Category, Intent } from '../domain/vocabulary.ts';
import { detectEmergencyMasked, maskedContextBlocked, maskedSecondHand, maskIdioms } from './emergency.ts';
import type { CompiledEmergencyCategories } from './emergency-category.ts';
import { COMBINED_SCANNER, COMBINED_SPLIT, headFeatures, type CompiledEmergencyHead } from './emergency-head.ts';
import { extractEntities } from './entities.ts';
import { featurize, ngramIds, NEWS_LIKE } from './features.ts';
import { defaultScanner, type LexiconScanner } from './lexicon-scan.ts';
import type { CompiledModel } from './model.ts';
import { normalize } from './normalize.ts';

/** Classifies one citizen message. */
export interface Classifier {
  classify(text: string, id?: string): Classification;
}

/** Categories that make a message a tip about illegal content (rumor and `other` are softer). */
const ILLEGAL = new Set<Category>([
  'fraud', 'gambling', 'pornography', 'weapons', 'drugs', 'personal_data', 'hacking', 'violent_threat', 'self_harm',
]);
/** Words without which the model alone may not call a message an emergency. */
export const EMERGENCY_HINT = /死|杀|炸|跳|药|救|困|失踪|走失|绑|拐|刀|枪|血|打我|转账|汇款|共享|验证码|报警|110|120/;
const EMERGENCY_CATEGORIES: Category[] = ['self_harm', 'violent_threat', 'fraud', 'other'];

/** An explicit report (「我要举报」「举报：…」「实名举报」): the intent is a tip whatever the model says. */
const EXPLICIT_TIP = /举报|检举|揭发|提供(?:个)?线索|报(?:个)?线索/;
/** …unless the citizen asks about an earlier report or how to report. */
const STATUS_CUE = /进度|查询|结果|受理|处理(?:得|了|到)|回执|回复|上次|之前|以前|我举报的|举报过|案件号|编号/;
const HOW_TO_REPORT = /怎么举报|如何举报|去哪(?:里|儿)?举报|在哪(?:里|儿)?举报|举报电话|能举报吗|可以举报吗|举报有用吗|向谁举报|找谁举报/;
/** Something reported is named (an act): without one, a tip's category is unknown. */
const ACT = /卖|售|贩|发布|传播|发|组织|开设|经营|收购|偷|盗|骗|赌|嫖|吸|运|制造|生产|假|伪造|非法|威胁|造谣|散布|拉人|代办|办证|放贷|黑|入侵|攻击|诈|招|开设|搞|传/;

/**
 * How sure a decision by a readable rule is (intent and category together, or the intent alone when
 * the category still comes from the model).
 */
const RULE_SURE = { status: 0.97, explicitTip: 0.9, verifyCue: 0.85, statusCue: 0.85, pastedScam: 0.8, tipCue: 0.8 } as const;
/** A tip with no act named: we know it is a tip, not what about (「举报」 alone). */
const UNKNOWN_TIP_CATEGORY_SURE = 0.4;
/** An explicit report naming an act: category certainty floor, and the bar for the model's best category. */
const EXPLICIT_ACT_CATEGORY_SURE = 0.7;
const EXPLICIT_TIP_CATEGORY_BAR = 0.4;

/** The key under which an officer's correction is stored: normalized text without spaces and punctuation. */
export function overrideKey(lowerNormalizedText: string): string {
  return lowerNormalizedText.replace(/[\s\p{P}\p{S}]/gu, '');
}

/** Index of the largest value, skipping index `except` and indexes where `mask[i]` is false. */
function argmax(v: ArrayLike<number>, except = -1, mask?: readonly boolean[]): number {
  let best = -1;
  for (let i = 0; i < v.length; i += 1) {
    if (i === except || (mask && !mask[i])) continue;
    if (best < 0 || v[i]! > v[best]!) best = i;
  }
  return best;
}

/**
 * How the emergency head (emergency-head.ts) and the rules are combined (thresholds on the head's
 * probability, chosen from out-of-fold head scores: `train-classifier.ts --cv`, see README). The
 * head decides only on texts no longer than its longest training text (`maxChars`):
 * - a rule hit stands unless the head is nearly certain it is not an emergency (`vetoStrong` for
 *   the strong tier, `vetoWeak` for the weaker tiers, fraud included). Each is the largest threshold
 *   that lost no emergency out of fold (9,600 training rows): weak hits below 0.02 (117 of 247 false
 *   weak hits removed, none of 1,260 emergencies lost), strong hits below 0.005 (34 of 147 removed;
 *   0.01 already lost one of 871). Never for a strong fraud hit: a fraud in progress and a fraud
 *   tip share their words, and out of fold that veto lost an emergency at every threshold tried;
 * - without a rule hit, the head makes an emergency when no blocking context applies (film, game,
 *   joke, past, hypothetical … as for the rules), the text is not a second-hand post or news report,
 *   and the head is at least `add` sure when a danger word survives the idiom masks
 *   (`EMERGENCY_HINT`), or `addNoHint` sure when none does and the text has `noHintMinChars`
 *   characters or more: most emergencies the rules miss name no danger word at all
 *   (「钱都转给我妈了，留了一段录音，明天早上你们就知道了」), while on a few characters of small talk
 *   the head extrapolates (「你知道我几岁」 scored 0.9).
 */
export const HEAD_THRESHOLDS = { add: 0.7, addNoHint: 0.85, noHintMinChars: 8, vetoWeak: 0.02, vetoStrong: 0.005 } as const;

/**
 * Builds a classifier over a compiled model, its emergency head (null: rules only, for model files
 * written before the head existed), the lexicon scanner and the emergency category model (null: the
 * category model picks the kind of an emergency the rules did not name).
 */
export function buildClassifier(
  model: CompiledModel,
  head: CompiledEmergencyHead | null = null,
  scanner: LexiconScanner = defaultScanner,
  emergencyCategories: CompiledEmergencyCategories | null = null,
): Classifier {
  const lexIndex = (label: string): number => scanner.labels.indexOf(label);
  const L = {
    verify: lexIndex('intent:verify'),
    consult: lexIndex('intent:consult'),
    status: lexIndex('intent:status'),
    tip: lexIndex('intent:tip'),
  };
  const catLex = new Map<Category, number>();
  for (const label of scanner.labels) if (label.startsWith('cat:')) catLex.set(label.slice(4) as Category, lexIndex(label));
  const noneIndex = model.categories.indexOf('none');
  const em = model.intents.indexOf('emergency');
  const emergencyCategoryMask = model.categories.map((c) => EMERGENCY_CATEGORIES.includes(c as Category));
  const catLexEntries = [...catLex.entries()].filter(([c]) => (c as string) !== 'none');

  return {
    classify(text: string, id?: string): Classification {
      const norm = normalize(text);
      const lower = norm.text.toLowerCase();
      const entities = extractEntities(norm.text);
      // The emergency stage reads the idiom-masked text; when the masks changed nothing (most
      // texts), one lexicon pass serves the model and the emergency head.
      const masked = maskIdioms(lower);
      let lex: Float64Array;
      let headWords: Float64Array | undefined;
      if (head && scanner === defaultScanner && masked === lower) {
        const all = COMBINED_SCANNER.scan(lower);
        lex = all.subarray(0, COMBINED_SPLIT);
        headWords = all.subarray(COMBINED_SPLIT);
      } else lex = scanner.scan(lower);
      const lexVerify = L.verify >= 0 ? lex[L.verify]! : 0;
      const lexConsult = L.consult >= 0 ? lex[L.consult]! : 0;
      const lexStatus = L.status >= 0 ? lex[L.status]! : 0;
      const lexTip = L.tip >= 0 ? lex[L.tip]! : 0;

      let intent: Intent;
      let category: Category | null;
      let confidence: number;

      // The emergency stage: rules on the idiom-masked text, then the head's second opinion.
      let emergency = detectEmergencyMasked(masked);
      // Most texts contain no idiom: their n-grams are computed once, for the head and the model.
      const useHead = head !== null && masked.length <= head.maxChars;
      const maskedGrams = useHead ? ngramIds(masked) : null;
      const headBag = head && maskedGrams ? headFeatures(masked, lex, entities, scanner, maskedGrams, headWords) : null;
      const headP = head && headBag ? head.score(headBag) : -1;
      let vetoed = false;
      // A strong fraud hit is never vetoed (see HEAD_THRESHOLDS).
      const fraudHit = emergency?.category === 'fraud';
      const vetoBelow = emergency?.strength === 'strong' ? (fraudHit ? 0 : HEAD_THRESHOLDS.vetoStrong) : HEAD_THRESHOLDS.vetoWeak;
      if (emergency && useHead && headP < vetoBelow) {
        emergency = null;
        vetoed = true;
      }
      const caseNumbers = entities.caseNumbers ?? [];
      if (emergency) {
        intent = 'emergency';
        // The rule names a kind; the emergency category model, where it has the head's features,
        // names it better (on the fresh batches 15–18: 228 of 238 right, the rules 216) — except
        // for a fraud rule, whose words say exactly what is going on.
        category = emergencyCategories && headBag && !fraudHit ? emergencyCategories.best(headBag).category : emergency.category;
        confidence = emergency.strength === 'strong' ? 0.95 : 0.8;
      } else if (
        caseNumbers.length > 0 &&
        (lexStatus > 0 || lower.replace(/[a-z]{1,6}\d{14}/g, '').replace(/[\s\p{P}]/gu, '').length <= 12)
      ) {
        intent = 'status';
        category = null;
        confidence = 0.97;
      } else {
        const out = model.score(featurize(lower, entities, scanner, lex, maskedGrams && masked === lower ? maskedGrams : undefined));
        const pI = out.intent;
        const pC = out.category;
        let bestI = argmax(pI, em);
        // The model may add an emergency the rules missed: the intent head when it is sure and a
        // danger word survives the idiom masks, or the emergency head when it is sure (surer without
        // a danger word); never when the head vetoed a rule hit or a blocking context applies.
        // (Cheapest tests first: most messages stop at the probabilities.)
        const modelSure = em >= 0 && pI[em]! >= 0.85;
        const maybe = em >= 0 && !vetoed && (modelSure || headP >= HEAD_THRESHOLDS.add);
        const hint = maybe && EMERGENCY_HINT.test(masked);
        const headSure =
          maybe && (hint ? headP >= HEAD_THRESHOLDS.add : headP >= HEAD_THRESHOLDS.addNoHint && masked.length >= HEAD_THRESHOLDS.noHintMinChars);
        const addEmergency =
          maybe &&
          ((modelSure && hint) || (headSure && !maskedSecondHand(masked))) &&
          !maskedContextBlocked(masked);
        if (addEmergency) bestI = em;
        else if (bestI === em) bestI = argmax(pI, em);
        intent = model.intents[bestI]!;
        // When a rule sets the intent, how sure that rule is (null: the model's probability).
        // An emergency the head added is as sure as the head (the intent model may be much less so).
        let ruleSure: number | null = intent === 'emergency' ? Math.max(pI[em]!, headP) : null;
        let bestC = argmax(pC);
        // Which kind of emergency: the emergency category model when it has the head's features,
        // else the category model's best emergency category.
        const emergencyPick = intent === 'emergency' && emergencyCategories && headBag ? emergencyCategories.best(headBag) : null;
        if (emergencyPick) bestC = model.categories.indexOf(emergencyPick.category);
        else if (intent === 'emergency') bestC = argmax(pC, -1, emergencyCategoryMask);
        const label = model.categories[bestC]!;
        category = label === 'none' ? null : label;

        // Lexicon dominance: a strong, unambiguous lexicon signal wins over an unsure model.
        let top: Category | null = null;
        let topScore = 0;
        let second = 0;
        for (const [cat, i] of catLexEntries) {
          const v = lex[i]!;
          if (v > topScore) {
            second = topScore;
            topScore = v;
            top = cat;
          } else if (v > second) second = v;
        }
        if (top !== null && !emergencyPick && topScore >= 4 && topScore >= 2 * second && pC[bestC]! < 0.8) {
          if (intent !== 'chitchat' && !NEWS_LIKE.test(lower)) {
            category = top;
            bestC = model.categories.indexOf(top);
          }
        }

        // Readable rules on top of the model.
        const verifyCue = lexVerify >= 3;
        if (verifyCue && (intent === 'chitchat' || intent === 'tip') && lexConsult < 3) {
          intent = 'verify';
          ruleSure = RULE_SURE.verifyCue;
        }
        if (intent === 'chitchat' && lexStatus >= 3) {
          intent = 'status';
          ruleSure = RULE_SURE.statusCue;
        }
        // 「我要举报」 is a tip, never a status query (the model leans on 「我…举报」 in status examples).
        const explicitTip = intent !== 'emergency' && EXPLICIT_TIP.test(lower) && !STATUS_CUE.test(lower) && !HOW_TO_REPORT.test(lower);
        const namesAct = ACT.test(lower.replace(EXPLICIT_TIP, ''));
        if (explicitTip) {
          ruleSure = Math.max(RULE_SURE.explicitTip, intent === 'tip' ? pI[model.intents.indexOf('tip')]! : 0);
          intent = 'tip';
          // An explicit report of an act is evidence that something illegal is reported: the model's
          // best category is taken at a lower bar than for unsolicited texts.
          if (category === null && namesAct) {
            const c = argmax(pC, noneIndex);
            if (c >= 0 && pC[c]! >= EXPLICIT_TIP_CATEGORY_BAR) {
              bestC = c;
              category = model.categories[c] as Category;
            }
          }
        }
        if (category !== null && ILLEGAL.has(category) && intent !== 'emergency') {
          // An illegal category needs either the model's clear belief or a lexicon hit for it, and
          // a news post needs a very clear belief (news reports on crime all the time).
          const supportIndex = catLex.get(category) ?? -1;
          const support = supportIndex >= 0 ? lex[supportIndex]! : 0;
          const p = pC[bestC]!;
          if ((p < 0.85 && support < 2) || (p < 0.75 && NEWS_LIKE.test(lower))) category = null;
          // A pasted scam text is a tip, however it opens (「您好，我是…」).
          else if (intent === 'chitchat' && lower.length > 15 && (p >= 0.5 || support >= 3)) {
            intent = 'tip';
            ruleSure = RULE_SURE.pastedScam;
          }
        }
        if (intent === 'chitchat' || intent === 'status') category = null;
        if (intent === 'chitchat' && category === null && lexTip >= 3) {
          intent = 'tip';
          ruleSure = RULE_SURE.tipCue;
        }

        // confidence = how sure of the intent × how sure of the category (see README).
        const intentSure = ruleSure ?? pI[model.intents.indexOf(intent)]!;
        let categorySure = 1;
        if (intent !== 'chitchat' && intent !== 'status') {
          if (category === null) {
            categorySure = noneIndex >= 0 ? pC[noneIndex]! : 1;
            if (intent === 'tip' && !namesAct) categorySure = Math.min(categorySure, UNKNOWN_TIP_CATEGORY_SURE);
          } else if (emergencyPick) {
            categorySure = emergencyPick.p;
          } else {
            const supportIndex = catLex.get(category) ?? -1;
            const support = supportIndex >= 0 ? lex[supportIndex]! : 0;
            categorySure = Math.max(pC[model.categories.indexOf(category)]!, support >= 3 ? 0.85 : support >= 2 ? 0.7 : 0);
          }
        }
        // An explicit report naming an act is a tip worth a receipt whatever its exact category.
        if (explicitTip && namesAct) categorySure = Math.max(categorySure, EXPLICIT_ACT_CATEGORY_SURE);
        confidence = intentSure * categorySure;
      }

      const override = model.overrides.size > 0 ? model.overrides.get(overrideKey(lower)) : undefined;
      if (override) {
        if (override.intent !== null) intent = override.intent;
        category = override.category;
        confidence = 1;
      }

      const result: Classification = {
        intent,
        category,
        confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000,
        entities,
        rebuttal: null,
        traditional: norm.traditional,
      };
      return id === undefined ? result : { id, ...result };
    },
  };
}
