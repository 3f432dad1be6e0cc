import type { AppError } from '../domain/errors.js';
import { type HtmlValue, html, type SafeHtml } from './html.js';
import type { Translate } from './translate.js';

/** What a form re-renders with: the values typed and the field errors (i18n keys). */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** The form-level message key, with its parameters. */
  message?: { key: string; params: Record<string, string | number> } | null;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

export const formFromError = (err: AppError, values: Record<string, string>): FormState => ({
  values,
  errors: err.fields,
  message: { key: err.messageKey, params: err.params },
});

/** The summary at the top of a form with errors (announced to screen readers). */
export function errorSummary(t: Translate, f: FormState): SafeHtml | '' {
  if (!f.message) return '';
  return html`<div class="notice error" role="alert" tabindex="-1" id="form-errors">${t(f.message.key, f.message.params)}</div>`;
}

interface FieldOptions {
  name: string;
  label: string;
  hint?: HtmlValue;
  required?: boolean;
  /** Extra attributes for the wrapper (e.g. data-show-for). */
  wrapAttrs?: SafeHtml;
}

function wrap(t: Translate, f: FormState, o: FieldOptions, control: SafeHtml): SafeHtml {
  const err = f.errors[o.name];
  return html`<div class="field${err ? ' has-error' : ''}"${o.wrapAttrs ?? ''}>
  <label for="f-${o.name}">${o.label}${o.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</label>
  ${o.hint ? html`<p class="hint" id="f-${o.name}-hint">${o.hint}</p>` : ''}
  ${control}
  ${err ? html`<p class="field-error" id="f-${o.name}-error">${t(err, f.message?.params ?? {})}</p>` : ''}
</div>`;
}

const describedBy = (f: FormState, o: FieldOptions) => {
  const ids = [o.hint ? `f-${o.name}-hint` : '', f.errors[o.name] ? `f-${o.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
};
const invalid = (f: FormState, name: string) => (f.errors[name] ? html` aria-invalid="true"` : '');

export function textField(
  t: Translate,
  f: FormState,
  o: FieldOptions & { type?: string; autocomplete?: string; maxlength?: number },
): SafeHtml {
  const keepValue = o.type !== 'password';
  return wrap(
    t,
    f,
    o,
    html`<input id="f-${o.name}" name="${o.name}" type="${o.type ?? 'text'}"${keepValue ? html` value="${f.values[o.name] ?? ''}"` : ''}${o.required ? html` required` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${describedBy(f, o)}${invalid(f, o.name)}>`,
  );
}

export function textArea(t: Translate, f: FormState, o: FieldOptions & { rows?: number }): SafeHtml {
  return wrap(
    t,
    f,
    o,
    html`<textarea id="f-${o.name}" name="${o.name}" rows="${o.rows ?? 6}"${o.required ? html` required` : ''}${describedBy(f, o)}${invalid(f, o.name)}>${f.values[o.name] ?? ''}</textarea>`,
  );
}

export function selectField(
  t: Translate,
  f: FormState,
  o: FieldOptions & {
    options: readonly { value: string; label: string; group?: string; attrs?: SafeHtml }[];
    placeholder?: string;
  },
): SafeHtml {
  const v = f.values[o.name] ?? '';
  const opts = o.options.map(
    (op) =>
      html`<option value="${op.value}"${op.value === v ? html` selected` : ''}${op.attrs ?? ''}>${op.label}</option>`,
  );
  return wrap(
    t,
    f,
    o,
    html`<select id="f-${o.name}" name="${o.name}"${o.required ? html` required` : ''}${describedBy(f, o)}${invalid(f, o.name)}>
${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}${opts}</select>`,
  );
}

export function radioGroup(
  t: Translate,
  f: FormState,
  o: FieldOptions & { options: readonly { value: string; label: string }[] },
): SafeHtml {
  const v = f.values[o.name] ?? '';
  const err = f.errors[o.name];
  return html`<fieldset class="field radios${err ? ' has-error' : ''}"${o.wrapAttrs ?? ''}${err ? html` aria-describedby="f-${o.name}-error"` : ''}>
  <legend>${o.label}${o.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</legend>
  ${o.options.map(
    (op, i) =>
      html`<label class="radio"><input type="radio" name="${o.name}" value="${op.value}"${i === 0 ? html` id="f-${o.name}"` : ''}${op.value === v ? html` checked` : ''}> ${op.label}</label>`,
  )}
  ${err ? html`<p class="field-error" id="f-${o.name}-error">${t(err)}</p>` : ''}
</fieldset>`;
}

/** A file input; `data-max-bytes` lets the script warn before a too-big upload (the server checks anyway). */
export function fileField(
  t: Translate,
  f: FormState,
  o: FieldOptions & { maxBytes: number; tooLarge: string },
): SafeHtml {
  return wrap(
    t,
    f,
    o,
    html`<input id="f-${o.name}" name="${o.name}" type="file" data-max-bytes="${o.maxBytes}" data-too-large="${o.tooLarge}"${describedBy(f, o)}${invalid(f, o.name)}>`,
  );
}
