/**
 * The sandboxed template language: liquidjs with strict variables and filters, own properties only,
 * no file tags (`include`, `render`, `layout` are refused at parse time) and parse/render/memory
 * limits. A template can only print the variables it is given; no code runs from a template.
 */
import { Liquid, type Template } from 'liquidjs';
import { toTraditionalTw } from '../util/script.ts';

export const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  jsTruthy: false,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 1_000_000,
  cache: false,
});

for (const tag of ['include', 'render', 'layout']) {
  liquid.registerTag(tag, {
    parse() {
      throw new Error(`the {% ${tag} %} tag is not allowed in reply templates`);
    },
    render() {
      return '';
    },
  });
}

export type ParsedTemplate = Template[];

/** Parses `body`; throws liquidjs' error (with line and column) on a syntax error or unknown filter. */
export function parseBody(body: string): ParsedTemplate {
  return liquid.parse(body);
}

/** Top-level variable names a parsed template reads (loop and assigned locals excluded). */
export function globalVariables(tpl: ParsedTemplate): string[] {
  return liquid.globalVariablesSync(tpl);
}

export function renderParsed(tpl: ParsedTemplate, scope: Record<string, unknown>): string {
  return String(liquid.renderSync(tpl, scope));
}

/** Simplified → Traditional (Taiwan standard with its phrases, 「」 quotes), used for templates lacking a zh-Hant file. */
export function toTraditional(text: string): string {
  return toTraditionalTw(text).replace(/“/g, '「').replace(/”/g, '」').replace(/賬(?=[號戶])/g, '帳');
}

/** Tidies rendered text: no trailing spaces, at most one blank line in a row, no outer blank lines. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
