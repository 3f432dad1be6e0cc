import { escapeHtml } from '../infra/escape-html.js';

/** HTML built from tagged templates: every interpolated value is escaped unless it is already SafeHtml. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Values a template accepts: text is escaped, SafeHtml kept, arrays joined, null/undefined/false dropped. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const NEEDS_ESCAPE = /[&<>"']/;

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) {
    let out = '';
    for (const item of v) out += render(item);
    return out;
  }
  // Most page text has nothing to escape: a test is cheaper than a replace.
  const text = String(v);
  return NEEDS_ESCAPE.test(text) ? escapeHtml(text) : text;
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks trusted markup as safe. Never pass user input. */
export const raw = (s: string): SafeHtml => new SafeHtml(s);

/** Text with line breaks kept (escaped, then newlines as <br>). */
export const multiline = (s: string): SafeHtml => raw(escapeHtml(s).replace(/\r?\n/g, '<br>'));
