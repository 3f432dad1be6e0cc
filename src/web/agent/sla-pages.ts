import type Router from '@koa/router';
import { slaSettings } from '../../app/queries/sla-admin.js';
import {
  type CalendarInput,
  type PolicyInput,
  saveCalendar,
  savePolicy,
  spansText,
} from '../../app/sla/admin.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  formFromError,
  selectField,
  textArea,
  textField,
} from '../forms.js';
import { html } from '../html.js';
import { formValues, idPath, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { checkbox } from './fields.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const CALENDAR_FIELDS = [
  'name',
  'timeZone',
  'alwaysOpen',
  'holidayCountry',
  'holidayRegion',
  'extraDays',
  ...DAYS.map((d) => `hours${d}`),
];
const POLICY_FIELDS = [
  'name',
  'type',
  'urgency',
  'category',
  'companyId',
  'serviceId',
  'calendarId',
  'firstAnswerMinutes',
  'resolutionMinutes',
  'warnPercent',
  'active',
];

const calendarInput = (v: Record<string, string>): CalendarInput => ({
  name: v.name ?? '',
  timeZone: v.timeZone ?? '',
  alwaysOpen: v.alwaysOpen === '1',
  hours: Object.fromEntries(DAYS.map((d) => [d, v[`hours${d}`] ?? ''])),
  holidayCountry: v.holidayCountry ?? '',
  holidayRegion: v.holidayRegion ?? '',
  extraDays: v.extraDays ?? '',
});

const policyInput = (v: Record<string, string>): PolicyInput => ({
  name: v.name ?? '',
  type: v.type ?? '',
  urgency: v.urgency ?? '',
  category: v.category ?? '',
  companyId: v.companyId ?? '',
  serviceId: v.serviceId ?? '',
  calendarId: v.calendarId ?? '',
  firstAnswerMinutes: v.firstAnswerMinutes ?? '',
  resolutionMinutes: v.resolutionMinutes ?? '',
  warnPercent: v.warnPercent ?? '',
  active: v.active === '1',
});

async function calendarPage(ctx: WebContext, id: number | null, f: FormState, status = 200) {
  const { t } = ctx.state;
  const title = id === null ? t('agent:slaAdmin.newCalendar') : t('agent:slaAdmin.editCalendar');
  await agentPage(ctx, {
    title,
    section: 'sla',
    status,
    body: html`<p><a href="/agent/admin/sla">← ${t('agent:slaAdmin.title')}</a></p><h1>${title}</h1>
<section class="card"><form method="post" action="/agent/admin/sla/calendars/${id ?? 'new'}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
<div class="grid-2">
${textField(t, f, { name: 'name', label: t('agent:slaAdmin.name'), required: true, maxlength: 100 })}
${textField(t, f, { name: 'timeZone', label: t('agent:slaAdmin.timeZone'), hint: t('agent:slaAdmin.timeZoneHint'), required: true })}
</div>
${checkbox(f, 'alwaysOpen', t('agent:slaAdmin.alwaysOpen'))}
<fieldset class="field"><legend>${t('agent:slaAdmin.hours')}</legend><p class="hint">${t('agent:slaAdmin.hoursHint')}</p>
<div class="grid-2">${DAYS.map((d) => textField(t, f, { name: `hours${d}`, label: t(`agent:slaAdmin.day${d}`) }))}</div></fieldset>
<div class="grid-2">
${textField(t, f, { name: 'holidayCountry', label: t('agent:slaAdmin.holidayCountry'), hint: t('agent:slaAdmin.holidayCountryHint'), maxlength: 2 })}
${textField(t, f, { name: 'holidayRegion', label: t('agent:slaAdmin.holidayRegion'), hint: t('agent:slaAdmin.holidayRegionHint'), maxlength: 3 })}
</div>
${textArea(t, f, { name: 'extraDays', label: t('agent:slaAdmin.extraDays'), hint: t('agent:slaAdmin.extraDaysHint'), rows: 3 })}
<div class="actions"><button class="button primary" type="submit">${t('agent:accounts.save')}</button></div></form></section>`,
  });
}

async function policyPage(ctx: WebContext, id: number | null, f: FormState, status = 200) {
  const { t, s } = ctx.state;
  const { catalog } = s.config;
  const settings = await slaSettings(s.db);
  const title = id === null ? t('agent:slaAdmin.newPolicy') : t('agent:slaAdmin.editPolicy');
  const any = t('agent:slaAdmin.any');
  const categories = [...new Set(Object.values(catalog.types).flatMap((x) => x.categories))];
  const urgencies = [...new Set(Object.values(catalog.types).flatMap((x) => x.urgencies))];
  await agentPage(ctx, {
    title,
    section: 'sla',
    status,
    body: html`<p><a href="/agent/admin/sla">← ${t('agent:slaAdmin.title')}</a></p><h1>${title}</h1>
<section class="card"><form method="post" action="/agent/admin/sla/policies/${id ?? 'new'}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
${textField(t, f, { name: 'name', label: t('agent:slaAdmin.name'), required: true, maxlength: 100 })}
<div class="grid-2">
${selectField(t, f, { name: 'type', label: t('agent:ticket.type'), required: true, options: Object.keys(catalog.types).map((v) => ({ value: v, label: t(`type.${v}`) })) })}
${selectField(t, f, { name: 'urgency', label: t('agent:ticket.urgency'), placeholder: any, options: urgencies.map((v) => ({ value: v, label: t(`urgency.${v}`) })) })}
${selectField(t, f, { name: 'category', label: t('agent:ticket.category'), placeholder: any, options: categories.map((v) => ({ value: v, label: t(`category.${v}`) })) })}
${selectField(t, f, { name: 'companyId', label: t('agent:ticket.customer'), placeholder: any, options: settings.companies.map((c) => ({ value: String(c.id), label: c.name })) })}
${selectField(t, f, { name: 'serviceId', label: t('agent:slaAdmin.service'), placeholder: any, options: settings.services.map((sv) => ({ value: String(sv.id), label: `${sv.company_name} — ${sv.name}` })) })}
${selectField(t, f, { name: 'calendarId', label: t('agent:slaAdmin.calendar'), required: true, options: settings.calendars.map((c) => ({ value: String(c.id), label: c.name })) })}
${textField(t, f, { name: 'firstAnswerMinutes', label: t('agent:slaAdmin.firstAnswerMinutes'), type: 'number', required: true })}
${textField(t, f, { name: 'resolutionMinutes', label: t('agent:slaAdmin.resolutionMinutes'), type: 'number', required: true })}
${textField(t, f, { name: 'warnPercent', label: t('agent:slaAdmin.warnPercent'), hint: t('agent:slaAdmin.warnPercentHint'), type: 'number', required: true })}
</div>
${checkbox(f, 'active', t('agent:accounts.active'))}
<div class="actions"><button class="button primary" type="submit">${t('agent:accounts.save')}</button></div></form></section>`,
  });
}

/** Runs a save from a form: expected errors re-render it with what was typed (422 / 409). */
async function save(
  ctx: WebContext,
  run: () => Promise<unknown>,
  rerender: (f: FormState, status: number) => Promise<void>,
  names: string[],
) {
  try {
    await run();
    setFlash(ctx, 'agent:flash.saved');
    seeOther(ctx, '/agent/admin/sla');
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    await rerender(formFromError(err, formValues(ctx, names)), err.code === 'conflict' ? 409 : 422);
  }
}

const minutesText = (m: number) => (m % 60 === 0 ? `${m / 60} h` : `${m} min`);

export function mountSla(r: Router<WebState>): void {
  r.get('/agent/admin/sla', adminOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const st = await slaSettings(s.db);
    const any = t('agent:slaAdmin.any');
    await agentPage(ctx, {
      title: t('agent:slaAdmin.title'),
      section: 'sla',
      body: html`<h1>${t('agent:slaAdmin.title')}</h1>
<section class="card"><div class="page-head"><h2>${t('agent:slaAdmin.policies')}</h2><a class="button primary" href="/agent/admin/sla/policies/new">${t('agent:slaAdmin.newPolicy')}</a></div>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">${t('agent:slaAdmin.name')}</th><th scope="col">${t('agent:slaAdmin.appliesTo')}</th><th scope="col">${t('agent:sla.clock_first_answer')}</th><th scope="col">${t('agent:sla.clock_resolution')}</th><th scope="col">${t('agent:slaAdmin.calendar')}</th></tr></thead><tbody>
${st.policies.map(
  (p) =>
    html`<tr class="${p.active ? '' : 'inactive'}"><td><a href="/agent/admin/sla/policies/${p.id}">${p.name}</a></td><td>${[
      t(`type.${p.type}`),
      p.urgency ? t(`urgency.${p.urgency}`) : any,
      p.category ? t(`category.${p.category}`) : '',
      p.company_name ?? '',
      p.service_name ?? '',
    ]
      .filter(Boolean)
      .join(
        ' · ',
      )}</td><td>${minutesText(p.first_answer_minutes)}</td><td>${minutesText(p.resolution_minutes)}</td><td>${p.calendar_name}</td></tr>`,
)}
</tbody></table></div></section>
<section class="card"><div class="page-head"><h2>${t('agent:slaAdmin.calendars')}</h2><a class="button primary" href="/agent/admin/sla/calendars/new">${t('agent:slaAdmin.newCalendar')}</a></div>
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">${t('agent:slaAdmin.name')}</th><th scope="col">${t('agent:slaAdmin.timeZone')}</th><th scope="col">${t('agent:slaAdmin.hours')}</th><th scope="col">${t('agent:slaAdmin.holidays')}</th></tr></thead><tbody>
${st.calendars.map(
  (c) =>
    html`<tr><td><a href="/agent/admin/sla/calendars/${c.id}">${c.name}</a></td><td>${c.time_zone}</td><td>${
      c.always_open
        ? t('agent:slaAdmin.alwaysOpen')
        : DAYS.filter((d) => c.hours[d]?.length)
            .map((d) => `${t(`agent:slaAdmin.short${d}`)} ${spansText(c.hours[d])}`)
            .join(' · ')
    }</td><td>${[c.holiday_country, c.holiday_region].filter(Boolean).join('-')}${c.extra_closed_days.length ? ` + ${c.extra_closed_days.length}` : ''}</td></tr>`,
)}
</tbody></table></div></section>`,
    });
  });

  r.get('/agent/admin/sla/calendars/new', adminOnly, (ctx) =>
    calendarPage(
      ctx,
      null,
      emptyForm({
        timeZone: ctx.state.s.config.DEFAULT_TIME_ZONE,
        holidayCountry: 'ES',
        ...Object.fromEntries([1, 2, 3, 4, 5].map((d) => [`hours${d}`, '09:00-18:00'])),
      }),
    ),
  );
  r.get('/agent/admin/sla/calendars/:id', adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    const c = (await slaSettings(ctx.state.s.db)).calendars.find((x) => x.id === id);
    if (!c) throw new AppError('not_found', 'portal:errors.pageNotFound');
    await calendarPage(
      ctx,
      id,
      emptyForm({
        name: c.name,
        timeZone: c.time_zone,
        alwaysOpen: c.always_open ? '1' : '',
        holidayCountry: c.holiday_country ?? '',
        holidayRegion: c.holiday_region ?? '',
        extraDays: c.extra_closed_days.join('\n'),
        ...Object.fromEntries(DAYS.map((d) => [`hours${d}`, spansText(c.hours[d])])),
      }),
    );
  });
  r.post('/agent/admin/sla/calendars/:id', adminOnly, async (ctx) => {
    const id = ctx.params.id === 'new' ? null : paramsInput(ctx, idPath).id;
    await save(
      ctx,
      () =>
        saveCalendar(ctx.state.s.app, staffActor(ctx), id, calendarInput(formValues(ctx, CALENDAR_FIELDS))),
      (f, status) => calendarPage(ctx, id, f, status),
      CALENDAR_FIELDS,
    );
  });

  r.get('/agent/admin/sla/policies/new', adminOnly, (ctx) =>
    policyPage(ctx, null, emptyForm({ warnPercent: '80', active: '1' })),
  );
  r.get('/agent/admin/sla/policies/:id', adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    const p = (await slaSettings(ctx.state.s.db)).policies.find((x) => x.id === id);
    if (!p) throw new AppError('not_found', 'portal:errors.pageNotFound');
    await policyPage(
      ctx,
      id,
      emptyForm({
        name: p.name,
        type: p.type,
        urgency: p.urgency ?? '',
        category: p.category ?? '',
        companyId: p.company_id ? String(p.company_id) : '',
        serviceId: p.service_id ? String(p.service_id) : '',
        calendarId: String(p.calendar_id),
        firstAnswerMinutes: String(p.first_answer_minutes),
        resolutionMinutes: String(p.resolution_minutes),
        warnPercent: String(p.warn_percent),
        active: p.active ? '1' : '',
      }),
    );
  });
  r.post('/agent/admin/sla/policies/:id', adminOnly, async (ctx) => {
    const id = ctx.params.id === 'new' ? null : paramsInput(ctx, idPath).id;
    await save(
      ctx,
      () => savePolicy(ctx.state.s.app, staffActor(ctx), id, policyInput(formValues(ctx, POLICY_FIELDS))),
      (f, status) => policyPage(ctx, id, f, status),
      POLICY_FIELDS,
    );
  });
}
