import { AppError, type FieldErrors } from '../../domain/errors.js';
import { cleanScope, type IncidentScope, type Localized, scopeIsEmpty } from '../../domain/incident-scope.js';
import { oneLine } from '../../domain/single-line.js';

const TITLE_MAX = 200;
const TEXT_MAX = 10_000;

/** A localized text trimmed, the optional languages dropped when empty; `es` is required. */
export function checkLocalized(
  text: Localized,
  field: string,
  fields: FieldErrors,
  o: { oneLine?: boolean; max?: number; required?: string } = {},
): Localized {
  const max = o.max ?? TEXT_MAX;
  const clean = (v: string | undefined) => (o.oneLine ? oneLine(v ?? '') : (v ?? '').trim());
  const out: Localized = { es: clean(text.es) };
  if (!out.es) fields[`${field}Es`] = o.required ?? 'agent:incidents.textRequired';
  for (const lang of ['es', 'en', 'fr'] as const) {
    const v = clean(text[lang]);
    if (v.length > max)
      fields[`${field}${lang === 'es' ? 'Es' : lang === 'en' ? 'En' : 'Fr'}`] = 'agent:validation.tooLong';
    if (lang !== 'es' && v) out[lang] = v;
  }
  return out;
}

export interface IncidentInput {
  title: Localized;
  description: Localized;
  scope: IncidentScope;
  public: boolean;
  startedAt?: Date;
  estimatedEndAt?: Date | null;
}

/** The declaration as stored, or an AppError naming every field to fix. */
export function checkIncident(input: IncidentInput, now = new Date()) {
  const fields: FieldErrors = {};
  const title = checkLocalized(input.title, 'title', fields, { oneLine: true, max: TITLE_MAX });
  const description = checkLocalized(input.description, 'description', fields);
  const scope = cleanScope(input.scope);
  if (scopeIsEmpty(scope)) fields.scope = 'agent:incidents.scopeRequired';
  const startedAt = input.startedAt ?? now;
  const estimatedEndAt = input.estimatedEndAt ?? null;
  if (estimatedEndAt && estimatedEndAt <= startedAt)
    fields.estimatedEndAt = 'agent:incidents.estimateBeforeStart';
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  return { title, description, scope, startedAt, estimatedEndAt, public: input.public };
}
