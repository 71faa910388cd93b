/**
 * Replies: templates, the reply policy and the engine that turns a triaged message into drafts.
 * The triage worker calls {@link createReplyEngine}; the CLI and the officers' chat call the template
 * admin functions ({@link runTemplatesCommand}, {@link handleTplChatCommand}).
 */
export type { Band, DraftSpec, Locale, RebuttalCandidate, RenderResult, ReplyEngine, ReplyInput, Verdict } from './types.ts';
export { LOCALES } from './types.ts';
export { createReplyEngine, formatChinaTime, CASE_STATUS_ZH, VERDICT_ZH, type ReplyEngineOptions } from './engine.ts';
export { escapeFor, type EscapeFormat } from './escape.ts';
export { allowedVariables, COMMON_VARIABLES } from './kinds.ts';
export { loadPolicy, policyTemplateKeys, DEFAULT_POLICY_FILE, type Policy } from './policy.ts';
export {
  DEFAULT_TEMPLATES_DIR,
  exportTemplates,
  listTemplates,
  loadDefaultTemplates,
  parseTemplateSource,
  rollbackTemplate,
  setTemplate,
  showTemplate,
  templateHistory,
  templateId,
  validateTemplates,
  type TemplateDef,
  type TemplateSummary,
  type TemplateVersionInfo,
  type ValidationProblem,
} from './templates.ts';
export { handleTplChatCommand, runTemplatesCommand } from './commands.ts';
