/**
 * The reply engine: the policy decides which templates answer a message, the registry supplies the
 * latest version of each, liquid renders them. `draft` is pure apart from reading templates: it
 * returns data and performs no effect; the triage worker stores and routes the drafts.
 */
import { CATEGORY_ZH, INTENT_ZH } from '../domain/vocabulary.ts';
import { UserFacingError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { allowedVariables } from './kinds.ts';
import { parseBody, renderParsed, tidy, toTraditional, type ParsedTemplate } from './liquid.ts';
import { findRule, loadPolicy, priorityFor, DEFAULT_POLICY_FILE, type Policy, type ReplyRefT } from './policy.ts';
import { DEFAULT_TEMPLATES_DIR, TemplateRegistry, templateId, type TemplateDef } from './templates.ts';
import type { DraftSpec, Locale, RebuttalCandidate, RenderResult, ReplyEngine, ReplyInput } from './types.ts';

export const VERDICT_ZH: Record<RebuttalCandidate['verdict'], string> = {
  false: '不实',
  misleading: '有误导性',
  true: '属实',
  unverified: '尚未证实',
};

export const CASE_STATUS_ZH: Record<string, string> = {
  open: '处理中',
  forwarded: '已转交相关部门办理',
  closed: '已办结',
};

/** Fills the Chinese label of a code the caller gave without it (reason → reasonZh …). */
function deriveLabels(scope: Record<string, unknown>): void {
  const label = (code: unknown, table: Record<string, string>) => (typeof code === 'string' ? (table[code] ?? code) : null);
  if (scope['reason'] != null && scope['reasonZh'] == null) scope['reasonZh'] = label(scope['reason'], CATEGORY_ZH);
  if (scope['category'] != null && scope['categoryZh'] == null) scope['categoryZh'] = label(scope['category'], CATEGORY_ZH);
  if (scope['intent'] != null && scope['intentZh'] == null) scope['intentZh'] = label(scope['intent'], INTENT_ZH);
  if (scope['verdict'] != null && scope['verdictZh'] == null) scope['verdictZh'] = label(scope['verdict'], VERDICT_ZH);
  if (scope['status'] != null && scope['statusZh'] == null) scope['statusZh'] = label(scope['status'], CASE_STATUS_ZH);
}

/** YYYY-MM-DD HH:mm in Asia/Shanghai (the account's time; tests pin TZ anyway). */
const CHINA_TIME = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatChinaTime(d: Date, withTime = true): string {
  const parts = CHINA_TIME.formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  const date = `${p('year')}-${p('month')}-${p('day')}`;
  return withTime ? `${date} ${p('hour')}:${p('minute')}` : date;
}

export interface ReplyEngineOptions {
  store: Store;
  /** Folder of default template files (default: the repository's `templates/`). */
  templatesDir?: string;
  /** Reply policy YAML (default: `templates/policy.yaml`). */
  policyFile?: string;
  /** Overrides the policy file's `confidenceThreshold` (default 0.55). */
  confidenceThreshold?: number;
  /** `accountName` used by `render` when the caller gives none (e.g. officers' warnings). */
  accountName?: string;
}

/** Creates the engine; loads and validates the policy and the default templates now (ConfigError if bad). */
export function createReplyEngine(opts: ReplyEngineOptions): ReplyEngine {
  const registry = new TemplateRegistry(opts.store, opts.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const policy: Policy = loadPolicy(opts.policyFile ?? DEFAULT_POLICY_FILE);
  const threshold = opts.confidenceThreshold ?? policy.confidenceThreshold;
  registry.all(); // fail fast on bad defaults
  // Traditional renderings of zh-Hans sources, keyed by id + version.
  const converted = new Map<string, ParsedTemplate>();

  function resolve(key: string, locale: Locale): { def: TemplateDef; parsed: ParsedTemplate } {
    if (locale === 'zh-Hant') {
      const hant = registry.get(templateId(key, 'zh-Hant'));
      if (hant) return { def: hant, parsed: hant.parsed };
    }
    const def = registry.get(key);
    if (!def) throw new UserFacingError(`unknown template "${key}"`, 'unknown_template', 404);
    if (locale === 'zh-Hans') return { def, parsed: def.parsed };
    // No zh-Hant file: convert the template text (not the output), so variables stay verbatim.
    const cacheKey = `${def.id}@${def.version}`;
    let parsed = converted.get(cacheKey);
    if (!parsed) {
      parsed = parseBody(toTraditional(def.body));
      converted.set(cacheKey, parsed);
    }
    return { def, parsed };
  }

  function render(key: string, vars: Record<string, unknown>, locale: Locale = 'zh-Hans'): RenderResult {
    const { def, parsed } = resolve(key, locale);
    const allowed = allowedVariables(def.kind);
    const unknown = Object.keys(vars).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) {
      throw new UserFacingError(`template "${key}" (${def.kind}) does not take variable(s): ${unknown.join(', ')}`, 'unknown_variable', 400);
    }
    const scope: Record<string, unknown> = Object.fromEntries(allowed.map((k) => [k, null]));
    scope['today'] = formatChinaTime(new Date(), false);
    if (opts.accountName !== undefined) scope['accountName'] = opts.accountName;
    for (const [k, v] of Object.entries(vars)) if (v !== undefined) scope[k] = v instanceof Date ? formatChinaTime(v) : v;
    deriveLabels(scope);
    let text: string;
    try {
      text = tidy(renderParsed(parsed, scope));
    } catch (err) {
      throw new UserFacingError(`template "${key}" failed to render: ${(err as Error).message}`, 'render_failed', 400);
    }
    if (text.length === 0) throw new UserFacingError(`template "${key}" rendered an empty text`, 'render_failed', 400);
    return { text, kind: def.kind, approval: def.approval };
  }

  function draft(input: ReplyInput): DraftSpec[] {
    const c = input.classification;
    const base: Record<string, unknown> = {
      accountName: input.account.name,
      platform: input.platform,
      caseNumber: input.case?.number ?? null,
      isNew: input.case?.isNew ?? false,
      intent: c.intent,
      intentZh: INTENT_ZH[c.intent],
      category: c.category,
      categoryZh: c.category ? CATEGORY_ZH[c.category] : null,
    };
    const amounts = c.entities.amounts;
    const out: DraftSpec[] = [];

    const push = (key: string, extra: Record<string, unknown>, o: { approval?: 'auto' | 'required'; priority?: number; data?: Record<string, unknown> } = {}) => {
      const vars = { ...base, ...extra };
      const kind = registry.get(key)?.kind;
      if (!kind) throw new UserFacingError(`reply policy names unknown template "${key}"`, 'unknown_template', 500);
      const allowed = allowedVariables(kind);
      const r = render(key, Object.fromEntries(Object.entries(vars).filter(([k]) => allowed.includes(k))), input.locale);
      const data: Record<string, unknown> = { ...o.data };
      let approval = o.approval ?? r.approval;
      if (r.kind === 'receipt' && !input.case) {
        approval = 'required';
        data['missingCase'] = true;
      }
      out.push({ kind: r.kind, templateKey: key, text: r.text, approval, priority: o.priority ?? priorityFor(policy, r.kind), data });
    };

    const rebuttalFlow = (interimOnLow: boolean) => {
      const rb = input.rebuttal;
      const best = rb?.best ?? null;
      const band = best ? (rb?.band ?? 'low') : 'low';
      if (band === 'low') {
        if (interimOnLow) push(policy.rebuttal.low.template, {}, { approval: policy.rebuttal.low.approval, data: { band: 'low', candidates: summarize(rb?.candidates ?? []) } });
        return;
      }
      if (!best) return;
      const conf = band === 'high' ? (best.status === 'approved' ? policy.rebuttal.highApproved : policy.rebuttal.highDraft) : policy.rebuttal.middle;
      push(
        conf.template,
        { title: best.title, verdict: best.verdict, verdictZh: VERDICT_ZH[best.verdict], rebuttal: best.rebuttal, source: best.source },
        { approval: conf.approval, data: { band, rebuttalId: best.id, rebuttalStatus: best.status, score: best.score, candidates: summarize(rb?.candidates ?? [best]) } },
      );
    };

    const statusFlow = () => {
      const s = input.status;
      const number = s?.number ?? c.entities.caseNumbers?.[0] ?? '';
      if (s?.found) {
        push(policy.status.found, {
          caseNumber: number,
          found: true,
          status: s.status ?? null,
          statusZh: s.status ? (CASE_STATUS_ZH[s.status] ?? s.status) : null,
          openedAt: s.openedAt ?? null,
          department: s.department ?? null,
        });
      } else {
        push(policy.status.notFound, { caseNumber: number || null, found: false });
      }
    };

    const rule = findRule(policy, c.intent, c.category);
    const refs: ReplyRefT[] = rule ? rule.replies : [policy.fallback];
    for (const ref of refs) {
      if (ref === '$rebuttal') rebuttalFlow(true);
      else if (ref === '$rebuttal-if-match') rebuttalFlow(false);
      else if (ref === '$status') statusFlow();
      else if (typeof ref === 'string') push(ref, { amount: amounts.length > 0 ? Math.max(...amounts) : null });
      else push(ref.template, { amount: amounts.length > 0 ? Math.max(...amounts) : null }, { ...(ref.approval ? { approval: ref.approval } : {}), ...(ref.priority !== undefined ? { priority: ref.priority } : {}) });
    }
    if (out.length === 0) push(policy.fallback, {});

    const lowConfidence = c.confidence < threshold;
    // A citizen always gets their case number at once: at low confidence a category-specific receipt
    // is swapped for the general one (which promises nothing category-specific); the rest waits.
    const exempt = new Set<DraftSpec>();
    if (lowConfidence && input.case) {
      for (let i = 0; i < out.length; i++) {
        const d = out[i];
        if (!d || d.kind !== 'receipt') continue;
        if (d.templateKey !== GENERAL_RECEIPT && d.templateKey !== policy.rebuttal.low.template) {
          const before = out.length;
          push(GENERAL_RECEIPT, {});
          const general = out.splice(before, 1)[0];
          if (!general) continue;
          general.data = { ...general.data, replaced: d.templateKey };
          out[i] = general;
        }
        exempt.add(out[i] as DraftSpec);
      }
    }
    for (const d of out) {
      if (exempt.has(d)) {
        d.data['lowConfidence'] = true;
        d.data['bestGuess'] = { intent: c.intent, category: c.category, confidence: c.confidence };
        continue;
      }
      if (d.kind === 'emergency' || d.priority === 0) {
        d.approval = 'auto';
        d.priority = 0;
      } else if (d.kind === 'warning') {
        d.approval = 'required';
      } else if (lowConfidence) {
        d.approval = 'required';
        d.data['lowConfidence'] = true;
        d.data['bestGuess'] = { intent: c.intent, category: c.category, confidence: c.confidence };
      }
    }
    return out.sort((a, b) => a.priority - b.priority);
  }

  return { draft, render };
}

/** The receipt that only acknowledges and quotes the case number. */
const GENERAL_RECEIPT = 'receipt.general';

function summarize(cands: RebuttalCandidate[]): Array<Pick<RebuttalCandidate, 'id' | 'title' | 'score' | 'verdict' | 'status'>> {
  return cands.slice(0, 3).map((x) => ({ id: x.id, title: x.title, score: Math.round(x.score * 1000) / 1000, verdict: x.verdict, status: x.status }));
}
