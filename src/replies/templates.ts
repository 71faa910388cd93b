/**
 * Reply templates: the files under `templates/` are version 0 (the defaults); every admin change is a
 * new row in `template_versions`. A template's id is its key, plus `.zh-Hant` for a Traditional
 * variant (the id is also the file's base name). Everything saved is validated first: front matter,
 * a non-empty body, liquid syntax and filters, and only variables the kind declares.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import YAML from 'yaml';
import { z } from 'zod';
import { and, desc, eq, sql } from 'drizzle-orm';
import { CategorySchema, IntentSchema, ReplyKindSchema } from '../domain/schemas.ts';
import type { Category, Intent, ReplyKind } from '../domain/vocabulary.ts';
import { ConfigError, UserFacingError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { templateVersions } from '../store/schema.ts';
import { allowedVariables } from './kinds.ts';
import { globalVariables, parseBody, type ParsedTemplate } from './liquid.ts';
import type { Locale } from './types.ts';

/** The shipped defaults: `templates/` at the repository root. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

const KEY_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const ID_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.zh-Hant)?$/;

export const FrontMatterSchema = z
  .object({
    key: z.string().regex(KEY_RE, 'lower-case words separated by dots, e.g. receipt.fraud'),
    kind: ReplyKindSchema,
    intents: z.array(IntentSchema).default([]),
    categories: z.array(z.union([CategorySchema, z.literal('none')])).default([]),
    locale: z.enum(['zh-Hans', 'zh-Hant']).default('zh-Hans'),
    approval: z.enum(['auto', 'required']).default('auto'),
    variables: z.array(z.string()).default([]),
    description: z.string().optional(),
  })
  .strict();
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

/** A validated, parsed template version. */
export interface TemplateDef {
  id: string;
  key: string;
  locale: Locale;
  kind: ReplyKind;
  approval: 'auto' | 'required';
  intents: Intent[];
  categories: (Category | 'none')[];
  variables: string[];
  description: string | undefined;
  body: string;
  /** The whole file text: front matter and body. */
  source: string;
  parsed: ParsedTemplate;
  version: number;
  author: string;
  createdAt: Date | null;
}

/** The id of the template for `key` in `locale`. */
export function templateId(key: string, locale: Locale): string {
  return locale === 'zh-Hant' ? `${key}.zh-Hant` : key;
}

/**
 * gray-matter runs `---js` / `---javascript` front matter through eval(): a template text set from chat
 * could execute code in the service. Only YAML (the default) and JSON front matter are accepted.
 */
const refuseEngine = (): never => {
  throw new Error('only YAML front matter is accepted');
};
const MATTER_OPTIONS = { engines: { javascript: refuseEngine, js: refuseEngine, coffee: refuseEngine, coffeescript: refuseEngine, cson: refuseEngine } };

function fail(id: string, message: string): never {
  throw new UserFacingError(`template "${id}": ${message}`, 'invalid_template', 400);
}

/**
 * Validates a whole template file text for `id`. Throws {@link UserFacingError} (code
 * `invalid_template`) naming the problem: bad front matter, key/locale not matching the id, empty
 * body, liquid syntax error or unknown filter, a variable the kind does not allow.
 */
export function parseTemplateSource(
  id: string,
  source: string,
  meta: { version: number; author: string; createdAt: Date | null } = { version: 0, author: 'default', createdAt: null },
): TemplateDef {
  if (!ID_RE.test(id)) fail(id, 'the key must be lower-case words separated by dots (e.g. receipt.fraud), optionally ending in .zh-Hant');
  let data: unknown;
  let body: string;
  try {
    // gray-matter caches by input string and returns shared objects: copy what we keep.
    const file = matter(source, MATTER_OPTIONS);
    data = structuredClone(file.data);
    body = file.content;
  } catch (err) {
    fail(id, `the front matter is not valid YAML: ${(err as Error).message}`);
  }
  const fm = FrontMatterSchema.safeParse(data);
  if (!fm.success) {
    const issues = fm.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`).join('; ');
    fail(id, `bad front matter: ${issues}`);
  }
  const front = fm.data;
  const expectedId = templateId(front.key, front.locale);
  if (expectedId !== id) fail(id, `front matter says key "${front.key}" and locale ${front.locale}, so its id would be "${expectedId}"`);
  if (body.trim().length === 0) fail(id, 'the body is empty');
  let parsed: ParsedTemplate;
  try {
    parsed = parseBody(body);
  } catch (err) {
    fail(id, `syntax error: ${(err as Error).message}`);
  }
  const allowed = new Set(allowedVariables(front.kind));
  let used: string[];
  try {
    used = globalVariables(parsed);
  } catch (err) {
    fail(id, `cannot analyse variables: ${(err as Error).message}`);
  }
  const unknown = [...new Set([...used, ...front.variables])].filter((v) => !allowed.has(v));
  if (unknown.length > 0) {
    fail(id, `unknown variable(s) ${unknown.map((v) => `{{ ${v} }}`).join(', ')}; a ${front.kind} template may use: ${[...allowed].join(', ')}`);
  }
  return {
    id,
    key: front.key,
    locale: front.locale,
    kind: front.kind,
    approval: front.approval,
    intents: front.intents,
    categories: front.categories,
    variables: front.variables,
    description: front.description,
    body,
    source,
    parsed,
    ...meta,
  };
}

/** Builds a file text from front matter and body (the format of `templates/*.md`). */
export function composeSource(front: FrontMatter, body: string): string {
  const clean = Object.fromEntries(Object.entries(front).filter(([, v]) => v !== undefined));
  return `---\n${YAML.stringify(clean, { flowCollectionPadding: false }).trimEnd()}\n---\n${body.trim()}\n`;
}

const defaultsCache = new Map<string, Map<string, TemplateDef>>();

/** Reads and validates every `*.md` in `dir` (cached per process). A bad default stops start-up. */
export function loadDefaultTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Map<string, TemplateDef> {
  const cached = defaultsCache.get(dir);
  if (cached) return cached;
  const out = new Map<string, TemplateDef>();
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
  } catch (err) {
    throw new ConfigError(`templates directory ${dir} cannot be read: ${(err as Error).message}`);
  }
  for (const file of files.sort()) {
    const id = file.slice(0, -'.md'.length);
    try {
      out.set(id, parseTemplateSource(id, fs.readFileSync(path.join(dir, file), 'utf8')));
    } catch (err) {
      throw new ConfigError(`${path.join(dir, file)}: ${(err as Error).message}`);
    }
  }
  defaultsCache.set(dir, out);
  return out;
}

interface VersionRow {
  key: string;
  version: number;
  source: string;
  author: string;
  createdAt: number;
  note: string | null;
}

/**
 * The latest version of every template: stored versions over file defaults. Re-reads the database
 * only when `template_versions` changed (max id and row count), so an admin's edit is used by the
 * next reply in every process sharing the database, without a restart.
 */
export class TemplateRegistry {
  private stamp = '';
  private current = new Map<string, TemplateDef>();

  constructor(
    private readonly store: Store,
    readonly dir: string = DEFAULT_TEMPLATES_DIR,
  ) {}

  private refresh(): void {
    const row = this.store
      .stmt('SELECT COALESCE(MAX(id), 0) AS m, COUNT(*) AS c FROM template_versions')
      .get() as { m: number; c: number };
    const stamp = `${row.m}/${row.c}`;
    if (stamp === this.stamp && this.current.size > 0) return;
    const map = new Map(loadDefaultTemplates(this.dir));
    const rows = this.store.sqlite
      .prepare(
        `SELECT t.key, t.version, t.source, t.author, t.created_at AS createdAt, t.note
           FROM template_versions t
           JOIN (SELECT key, MAX(version) AS v FROM template_versions GROUP BY key) m
             ON t.key = m.key AND t.version = m.v`,
      )
      .all() as VersionRow[];
    for (const r of rows) {
      // Stored versions were validated when saved; a version that no longer validates (the kind's
      // variables changed since) is skipped in favour of the default and reported by validate.
      try {
        map.set(r.key, parseTemplateSource(r.key, r.source, { version: r.version, author: r.author, createdAt: new Date(r.createdAt) }));
      } catch {
        continue;
      }
    }
    this.current = map;
    this.stamp = stamp;
  }

  get(id: string): TemplateDef | undefined {
    this.refresh();
    return this.current.get(id);
  }

  all(): TemplateDef[] {
    this.refresh();
    return [...this.current.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

function registry(store: Store, dir?: string): TemplateRegistry {
  return new TemplateRegistry(store, dir ?? DEFAULT_TEMPLATES_DIR);
}

function requireTemplate(store: Store, id: string, dir?: string): TemplateDef {
  const t = registry(store, dir).get(id);
  if (!t) throw new UserFacingError(`unknown template "${id}" (see: templates list)`, 'not_found', 404);
  return t;
}

export interface TemplateSummary {
  id: string;
  key: string;
  locale: Locale;
  kind: ReplyKind;
  approval: 'auto' | 'required';
  version: number;
  description: string | undefined;
}

/** Every template with its current version. */
export function listTemplates(store: Store, opts: { templatesDir?: string } = {}): TemplateSummary[] {
  return registry(store, opts.templatesDir)
    .all()
    .map((t) => ({ id: t.id, key: t.key, locale: t.locale, kind: t.kind, approval: t.approval, version: t.version, description: t.description }));
}

/** The current version of one template; throws UserFacingError(not_found) for an unknown id. */
export function showTemplate(store: Store, key: string, opts: { templatesDir?: string } = {}): TemplateDef {
  return requireTemplate(store, key, opts.templatesDir);
}

/**
 * Saves a new version of template `key` and returns its version number. `source` is either a whole
 * file (front matter + body) or just a body, which keeps the current front matter. Refused with
 * UserFacingError(invalid_template) when it does not validate; nothing is stored then.
 */
export function setTemplate(store: Store, key: string, source: string, author: string, opts: { templatesDir?: string; note?: string } = {}): number {
  const existing = registry(store, opts.templatesDir).get(key);
  let full = source;
  if (!/^\s*---\r?\n/.test(source)) {
    if (!existing) fail(key, 'a new template needs front matter (key, kind, approval …); start the text with ---');
    const front = FrontMatterSchema.parse({
      key: existing.key,
      kind: existing.kind,
      intents: existing.intents,
      categories: existing.categories,
      locale: existing.locale,
      approval: existing.approval,
      variables: existing.variables,
      description: existing.description,
    });
    full = composeSource(front, source);
  }
  parseTemplateSource(key, full);
  return store.sqlite
    .transaction(() => {
      const last = store.db
        .select({ version: templateVersions.version })
        .from(templateVersions)
        .where(eq(templateVersions.key, key))
        .orderBy(desc(templateVersions.version))
        .limit(1)
        .get();
      const version = (last?.version ?? 0) + 1;
      store.db
        .insert(templateVersions)
        .values({ key, version, source: full, author, createdAt: Date.now(), note: opts.note ?? null })
        .run();
      return version;
    })
    .immediate();
}

export interface TemplateVersionInfo {
  version: number;
  author: string;
  createdAt: Date | null;
  note: string | null;
  source: string;
}

/** Every version of `key`, oldest first; version 0 is the shipped file (when there is one). */
export function templateHistory(store: Store, key: string, opts: { templatesDir?: string } = {}): TemplateVersionInfo[] {
  const out: TemplateVersionInfo[] = [];
  const def = loadDefaultTemplates(opts.templatesDir ?? DEFAULT_TEMPLATES_DIR).get(key);
  if (def) out.push({ version: 0, author: 'default', createdAt: null, note: 'shipped default', source: def.source });
  const rows = store.db.select().from(templateVersions).where(eq(templateVersions.key, key)).orderBy(templateVersions.version).all();
  for (const r of rows) out.push({ version: r.version, author: r.author, createdAt: new Date(r.createdAt), note: r.note, source: r.source });
  if (out.length === 0) throw new UserFacingError(`unknown template "${key}" (see: templates list)`, 'not_found', 404);
  return out;
}

/** Makes version `version` current again by saving its text as a new version; returns the new number. */
export function rollbackTemplate(store: Store, key: string, version: number, author: string, opts: { templatesDir?: string } = {}): number {
  let source: string | undefined;
  if (version === 0) {
    source = loadDefaultTemplates(opts.templatesDir ?? DEFAULT_TEMPLATES_DIR).get(key)?.source;
  } else {
    source = store.db
      .select({ source: templateVersions.source })
      .from(templateVersions)
      .where(and(eq(templateVersions.key, key), eq(templateVersions.version, version)))
      .get()?.source;
  }
  if (source === undefined) throw new UserFacingError(`template "${key}" has no version ${version} (see: templates history ${key})`, 'not_found', 404);
  return setTemplate(store, key, source, author, { ...opts, note: `rollback to v${version}` });
}

export interface ValidationProblem {
  id: string;
  version: number;
  message: string;
}

/**
 * Re-validates the latest stored version of every template (the defaults were validated on load)
 * and, when given, checks that every template the policy names exists.
 */
export function validateTemplates(store: Store, opts: { templatesDir?: string; requiredKeys?: string[] } = {}): { ok: boolean; count: number; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  const defaults = loadDefaultTemplates(opts.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const ids = new Set(defaults.keys());
  const rows = store.sqlite
    .prepare(
      `SELECT t.key, t.version, t.source FROM template_versions t
         JOIN (SELECT key, MAX(version) AS v FROM template_versions GROUP BY key) m ON t.key = m.key AND t.version = m.v`,
    )
    .all() as { key: string; version: number; source: string }[];
  for (const r of rows) {
    ids.add(r.key);
    try {
      parseTemplateSource(r.key, r.source);
    } catch (err) {
      problems.push({ id: r.key, version: r.version, message: (err as Error).message });
    }
  }
  for (const key of opts.requiredKeys ?? []) {
    if (!ids.has(key)) problems.push({ id: key, version: -1, message: `template "${key}" is named by the reply policy but does not exist` });
  }
  return { ok: problems.length === 0, count: ids.size, problems };
}

/** Writes the current version of every template to `dir/<id>.md`; returns the files written. */
export function exportTemplates(store: Store, dir: string, opts: { templatesDir?: string } = {}): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of registry(store, opts.templatesDir).all()) {
    const file = path.join(dir, `${t.id}.md`);
    fs.writeFileSync(file, t.source.endsWith('\n') ? t.source : `${t.source}\n`);
    written.push(file);
  }
  return written;
}

/** Count of stored versions (for tests and the `validate` summary). */
export function storedVersionCount(store: Store): number {
  return store.db.select({ c: sql<number>`count(*)` }).from(templateVersions).get()?.c ?? 0;
}
