import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import type { FormState } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { oneOf } from '../input.js';
import type { Translate } from '../translate.js';

/** A checkbox bound to a form state ('1' when checked). */
export const checkbox = (f: FormState, name: string, label: string): SafeHtml =>
  html`<div class="field"><label class="radio"><input type="checkbox" name="${name}" value="1"${f.values[name] === '1' ? html` checked` : ''}> ${label}</label></div>`;

export const languageOptions = (t: Translate) =>
  LANGUAGES.map((l) => ({ value: l, label: t(`agent:languages.${l}`) }));

/** The language field of the account forms: Spanish when none is chosen. */
export const languageInput = z
  .string()
  .default('')
  .transform((v) => v || 'es')
  .pipe(oneOf(LANGUAGES, 'agent:validation.languageInvalid'));

/** Checkboxes sharing one name, one per option; the form state holds the ticked values one per line. */
export function checkGroup(
  t: Translate,
  f: FormState,
  name: string,
  legend: string,
  options: { value: string; label: string }[],
): SafeHtml {
  const chosen = new Set((f.values[name] ?? '').split('\n'));
  const err = f.errors[name];
  return html`<fieldset class="field checks${err ? ' has-error' : ''}"${err ? html` aria-describedby="f-${name}-error"` : ''}><legend>${legend}</legend>
${options.map(
  (o, i) =>
    html`<label class="radio"><input type="checkbox" name="${name}" value="${o.value}"${i === 0 ? html` id="f-${name}"` : ''}${chosen.has(o.value) ? html` checked` : ''}> ${o.label}</label>`,
)}
${err ? html`<p class="field-error" id="f-${name}-error">${t(err)}</p>` : ''}</fieldset>`;
}
