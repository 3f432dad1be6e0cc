import type { IncidentInput } from '../../app/incidents/incident-input.js';
import { AppError } from '../../domain/errors.js';
import { type IncidentScope, type Localized, TECHNOLOGIES } from '../../domain/incident-scope.js';
import { field } from '../body.js';
import type { WebContext } from '../context.js';
import { parseDateTimeInput, timeZoneOf } from '../dates.js';
import { errorSummary, type FormState, textArea, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';

export const LANGS = ['Es', 'En', 'Fr'] as const;

/** The fields a declaration keeps when re-rendered. */
export const DECLARE_FIELDS = [
  ...LANGS.flatMap((l) => [`title${l}`, `description${l}`]),
  'zones',
  'accessNodes',
  'exchanges',
  'postcodes',
  'serviceIds',
  ...TECHNOLOGIES.map((x) => `tech_${x}`),
  'public',
  'startedAt',
  'estimatedEndAt',
];

/** `prefixEs`, `prefixEn`, `prefixFr` as one localized text. */
export const localizedField = (ctx: WebContext, prefix: string): Localized => ({
  es: field(ctx, `${prefix}Es`),
  en: field(ctx, `${prefix}En`),
  fr: field(ctx, `${prefix}Fr`),
});

const list = (v: string) =>
  v
    .split(/[,;\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** A date-time field of the form in the agent's time zone; a malformed one is a field error. */
export function dateField(ctx: WebContext, name: string): Date | null {
  const d = parseDateTimeInput(field(ctx, name), timeZoneOf(ctx));
  if (d === undefined)
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { [name]: 'agent:incidents.dateInvalid' },
    });
  return d;
}

/** The declaration form as the use case takes it. A list of services, when given, is the whole scope. */
export function readDeclaration(ctx: WebContext): IncidentInput {
  const ids = list(field(ctx, 'serviceIds'));
  if (ids.some((x) => !/^\d{1,15}$/.test(x)))
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { serviceIds: 'agent:incidents.serviceIdsInvalid' },
    });
  const scope: IncidentScope = ids.length
    ? { serviceIds: ids.map(Number) }
    : {
        zones: list(field(ctx, 'zones')),
        accessNodes: list(field(ctx, 'accessNodes')),
        exchanges: list(field(ctx, 'exchanges')),
        postcodes: list(field(ctx, 'postcodes')),
        technologies: TECHNOLOGIES.filter((x) => field(ctx, `tech_${x}`) === '1'),
      };
  return {
    title: localizedField(ctx, 'title'),
    description: localizedField(ctx, 'description'),
    scope,
    public: field(ctx, 'public') === '1',
    startedAt: dateField(ctx, 'startedAt') ?? undefined,
    estimatedEndAt: dateField(ctx, 'estimatedEndAt'),
  };
}

/** Three fields of one text, Spanish required, the others optional. */
export function localizedFields(
  ctx: WebContext,
  f: FormState,
  o: { name: string; label: string; area?: boolean; rows?: number },
): SafeHtml {
  const { t } = ctx.state;
  return html`${LANGS.map((l) => {
    const opts = {
      name: `${o.name}${l}`,
      label: `${o.label} (${t(`agent:languages.${l.toLowerCase()}`)})`,
      required: l === 'Es',
      ...(l === 'Es' ? {} : { hint: t('agent:incidents.optionalLanguage') }),
    };
    return o.area
      ? textArea(t, f, { ...opts, rows: o.rows ?? 3 })
      : textField(t, f, { ...opts, maxlength: 200 });
  })}`;
}

export async function declareForm(ctx: WebContext, f: FormState): Promise<SafeHtml> {
  const { t } = ctx.state;
  const scopeError = f.errors.scope;
  return html`<form method="post" action="/agent/incidents" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
${localizedFields(ctx, f, { name: 'title', label: t('agent:incidents.titleField') })}
${localizedFields(ctx, f, { name: 'description', label: t('agent:incidents.description'), area: true })}
<fieldset class="field${scopeError ? ' has-error' : ''}"${scopeError ? html` aria-describedby="f-scope-error"` : ''}><legend>${t('agent:incidents.scope')}</legend>
<p class="hint">${t('agent:incidents.scopeHint')}</p>
<div class="grid-2">
${textField(t, f, { name: 'zones', label: t('agent:network.zones') })}
${textField(t, f, { name: 'accessNodes', label: t('agent:network.accessNodes') })}
${textField(t, f, { name: 'exchanges', label: t('agent:network.exchanges') })}
${textField(t, f, { name: 'postcodes', label: t('agent:network.postcodes') })}
</div>
<p><strong>${t('agent:network.technologies')}</strong></p>
<div class="checks">${TECHNOLOGIES.map((x) => html`<label class="radio"><input type="checkbox" name="tech_${x}" value="1"${f.values[`tech_${x}`] === '1' ? html` checked` : ''}> ${t(`agent:network.tech_${x}`)}</label> `)}</div>
${textField(t, f, { name: 'serviceIds', label: t('agent:incidents.serviceIds'), hint: t('agent:incidents.serviceIdsHint') })}
${scopeError ? html`<p class="field-error" id="f-scope-error">${t(scopeError)}</p>` : ''}
</fieldset>
<div class="grid-2">
${textField(t, f, { name: 'startedAt', label: t('agent:incidents.startedAt'), type: 'datetime-local', hint: t('agent:incidents.startedAtHint') })}
${textField(t, f, { name: 'estimatedEndAt', label: t('agent:incidents.estimate'), type: 'datetime-local' })}
</div>
<div class="field"><label class="radio"><input type="checkbox" name="public" value="1"${f.values.public === '1' ? html` checked` : ''}> ${t('agent:incidents.public')}</label><p class="hint">${t('agent:incidents.publicHint')}</p></div>
<div class="actions"><button class="button primary" type="submit">${t('agent:incidents.declare')}</button></div></form>`;
}
