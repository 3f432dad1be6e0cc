import type Router from '@koa/router';
import { z } from 'zod';
import {
  categoryChoices,
  createRoutingRule,
  moveRoutingRule,
  type RuleInput,
  updateRoutingRule,
} from '../../app/agent/routing-rules.js';
import { listStaff } from '../../app/queries/agent-accounts.js';
import { listRoutingRules, type RuleView } from '../../app/queries/routing-rules.js';
import { teamOptions } from '../../app/queries/teams.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  formFromError,
  radioGroup,
  selectField,
  textField,
} from '../forms.js';
import { html } from '../html.js';
import { idPath, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import type { Translate } from '../translate.js';
import { checkbox, checkGroup } from './fields.js';
import { formBody, manyTexts, oneText, optionalId, ticked } from './form-body.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const list = (v: string) =>
  v
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

const ruleSchema = z.object({
  name: oneText,
  active: ticked,
  types: manyTexts,
  categories: manyTexts,
  urgencies: manyTexts,
  receivedAt: oneText.transform(list),
  companies: oneText.transform(list),
  services: oneText.transform(list),
  teamId: optionalId('agent:teams.notFound'),
  assign: oneText.transform((v) => (v === 'agent' || v === 'round_robin' ? v : 'none')),
  agentId: optionalId('validation.assigneeInvalid'),
  setUrgency: oneText.transform((v) => v || null),
});

const MULTI = ['types', 'categories', 'urgencies'] as const;

/** Multi-valued fields live in a form state as lines. */
const lines = (v: readonly string[] | undefined) => (v ?? []).join('\n');

/** A category's name; a group is named after its first category's ("Administrativa — Facturación"). */
function categoryLabel(t: Translate, c: string, all: readonly string[]): string {
  const child = all.find((k) => k.startsWith(`${c}.`));
  if (!child) return t(`category.${c}`);
  return `${t(`category.${child}`).split(' — ')[0]} ${t('agent:routing.wholeGroup')}`;
}

/** A rule as its form shows it. */
function ruleValues(r: RuleView): Record<string, string> {
  const a = r.actions;
  return {
    name: r.name,
    active: r.active ? '1' : '',
    types: lines(r.conditions.types),
    categories: lines(r.conditions.categories),
    urgencies: lines(r.conditions.urgencies),
    receivedAt: (r.conditions.receivedAt ?? []).join(', '),
    companies: r.companies.map((c) => c.code ?? String(c.id)).join(', '),
    services: r.services.map((s) => s.circuit_id ?? String(s.id)).join(', '),
    teamId: a.teamId ? String(a.teamId) : '',
    assign: a.assign?.kind ?? 'none',
    agentId: a.assign?.kind === 'agent' ? String(a.assign.agentId) : '',
    setUrgency: a.urgency ?? '',
  };
}

async function renderForm(ctx: WebContext, ruleId: number | null, f: FormState, status = 200) {
  const { t, s } = ctx.state;
  const { catalog } = s.config;
  const [teams, staff] = await Promise.all([teamOptions(s.db, { withInactive: true }), listStaff(s.db)]);
  const urgencies = [...new Set(Object.values(catalog.types).flatMap((x) => x.urgencies))];
  const title = ruleId ? t('agent:routing.edit') : t('agent:routing.create');
  await agentPage(ctx, {
    title,
    section: 'routing',
    status,
    body: html`<p><a href="/agent/admin/routing">← ${t('agent:routing.title')}</a></p><h1>${title}</h1>
<form class="card" method="post" action="/agent/admin/routing${ruleId ? `/${ruleId}` : ''}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
${textField(t, f, { name: 'name', label: t('agent:routing.name'), required: true, maxlength: 120 })}
${checkbox(f, 'active', t('agent:routing.active'))}
<h2>${t('agent:routing.conditions')}</h2><p class="hint">${t('agent:routing.conditionsHint')}</p>
${checkGroup(
  t,
  f,
  'types',
  t('agent:ticket.type'),
  Object.keys(catalog.types).map((x) => ({ value: x, label: t(`type.${x}`) })),
)}
${checkGroup(
  t,
  f,
  'categories',
  t('agent:ticket.category'),
  categoryChoices(catalog).map((c) => ({ value: c, label: categoryLabel(t, c, categoryChoices(catalog)) })),
)}
${checkGroup(
  t,
  f,
  'urgencies',
  t('agent:ticket.urgency'),
  urgencies.map((u) => ({ value: u, label: t(`urgency.${u}`) })),
)}
${textField(t, f, { name: 'receivedAt', label: t('agent:routing.receivedAt'), hint: t('agent:routing.receivedAtHint') })}
${textField(t, f, { name: 'companies', label: t('agent:routing.companies'), hint: t('agent:routing.companiesHint') })}
${textField(t, f, { name: 'services', label: t('agent:routing.services'), hint: t('agent:routing.servicesHint') })}
<h2>${t('agent:routing.actions')}</h2>
${selectField(t, f, {
  name: 'teamId',
  label: t('agent:teams.team'),
  placeholder: '—',
  options: teams.map((x) => ({
    value: String(x.id),
    label: x.active ? x.name : `${x.name} (${t('agent:accounts.inactive')})`,
  })),
})}
${radioGroup(t, f, {
  name: 'assign',
  label: t('agent:routing.assign'),
  options: (['none', 'round_robin', 'agent'] as const).map((v) => ({
    value: v,
    label: t(`agent:routing.assign_${v}`),
  })),
})}
${selectField(t, f, {
  name: 'agentId',
  label: t('agent:routing.agent'),
  placeholder: '—',
  options: staff.filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name })),
})}
${selectField(t, f, {
  name: 'setUrgency',
  label: t('agent:routing.setUrgency'),
  hint: t('agent:routing.setUrgencyHint'),
  placeholder: '—',
  options: urgencies.map((u) => ({ value: u, label: t(`urgency.${u}`) })),
})}
<div class="actions"><button class="button primary" type="submit">${t('agent:routing.save')}</button></div>
</form>`,
  });
}

function summary(t: Translate, r: RuleView, categories: readonly string[]): { when: string; does: string } {
  const c = r.conditions;
  const when = [
    c.types && `${t('agent:ticket.type')}: ${c.types.map((x) => t(`type.${x}`)).join(', ')}`,
    c.categories &&
      `${t('agent:ticket.category')}: ${c.categories.map((x) => categoryLabel(t, x, categories)).join(', ')}`,
    c.urgencies && `${t('agent:ticket.urgency')}: ${c.urgencies.map((x) => t(`urgency.${x}`)).join(', ')}`,
    c.receivedAt && `${t('agent:routing.receivedAt')}: ${c.receivedAt.join(', ')}`,
    r.companies.length && `${t('agent:routing.companies')}: ${r.companies.map((x) => x.name).join(', ')}`,
    r.services.length && `${t('agent:routing.services')}: ${r.services.map((x) => x.name).join(', ')}`,
  ].filter((x): x is string => typeof x === 'string');
  const a = r.actions;
  const does = [
    a.teamId && `${t('agent:teams.team')}: ${r.teamName ?? '—'}`,
    a.assign?.kind === 'round_robin' && t('agent:routing.assign_round_robin'),
    a.assign?.kind === 'agent' && `${t('agent:routing.agent')}: ${r.agentName ?? '—'}`,
    a.urgency && `${t('agent:ticket.urgency')}: ${t(`urgency.${a.urgency}`)}`,
  ].filter((x): x is string => typeof x === 'string');
  return { when: when.length ? when.join(' · ') : t('agent:routing.always'), does: does.join(' · ') };
}

async function renderList(ctx: WebContext) {
  const { t, s } = ctx.state;
  const rules = await listRoutingRules(s.db);
  const csrf = await csrfField(ctx);
  const move = (r: RuleView, dir: 'up' | 'down', label: string) =>
    html`<form method="post" action="/agent/admin/routing/${r.id}/move">${csrf}<input type="hidden" name="direction" value="${dir}"><button class="button" type="submit">${label}<span class="visually-hidden">: ${r.name}</span></button></form>`;
  await agentPage(ctx, {
    title: t('agent:routing.title'),
    section: 'routing',
    body: html`<h1>${t('agent:routing.title')}</h1>
<p class="lead">${t('agent:routing.intro')}</p>
<p class="actions"><a class="button primary" href="/agent/admin/routing/new">${t('agent:routing.create')}</a></p>
${
  rules.length
    ? html`<div class="table-wrap"><table class="data rules"><caption class="visually-hidden">${t('agent:routing.title')}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${t('agent:routing.name')}</th><th scope="col">${t('agent:routing.when')}</th><th scope="col">${t('agent:routing.does')}</th><th scope="col">${t('agent:accounts.state')}</th><th scope="col">${t('agent:teams.actions')}</th></tr></thead><tbody>
${rules.map((r, i) => {
  const sum = summary(t, r, categoryChoices(s.config.catalog));
  return html`<tr class="${r.active ? '' : 'inactive'}"><td>${i + 1}</td><td><a href="/agent/admin/routing/${r.id}">${r.name}</a></td><td>${sum.when}</td><td>${sum.does}</td>
<td>${r.active ? t('agent:accounts.active') : t('agent:accounts.inactive')}</td>
<td class="row-actions">${i > 0 ? move(r, 'up', t('agent:routing.up')) : ''}${i < rules.length - 1 ? move(r, 'down', t('agent:routing.down')) : ''}</td></tr>`;
})}</tbody></table></div>`
    : html`<p class="empty card">${t('agent:routing.empty')}</p>`
}`,
  });
}

/** The form as typed, for showing it again with its errors. */
function typed(ctx: WebContext): Record<string, string> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x) => typeof x === 'string').join('\n');
  }
  for (const k of MULTI) out[k] ??= '';
  return out;
}

async function save(ctx: WebContext, ruleId: number | null) {
  const app = ctx.state.s.app;
  try {
    const input: RuleInput = formBody(ctx, ruleSchema);
    if (ruleId === null) await createRoutingRule(app, staffActor(ctx), input);
    else await updateRoutingRule(app, staffActor(ctx), ruleId, input);
    setFlash(ctx, 'agent:flash.saved');
    seeOther(ctx, '/agent/admin/routing');
  } catch (err) {
    if (!isAppError(err) || err.code !== 'invalid') throw err;
    await renderForm(ctx, ruleId, formFromError(err, typed(ctx)), 422);
  }
}

/** The routing rules (admins): listed in the order they are tried, created, edited, moved, switched off. */
export function mountRouting(r: Router<WebState>): void {
  r.get('/agent/admin/routing', adminOnly, (ctx) => renderList(ctx));
  r.get('/agent/admin/routing/new', adminOnly, (ctx) =>
    renderForm(ctx, null, emptyForm({ active: '1', assign: 'none' })),
  );
  r.post('/agent/admin/routing', adminOnly, (ctx) => save(ctx, null));
  r.get('/agent/admin/routing/:id', adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    const [rule] = await listRoutingRules(ctx.state.s.db, id);
    if (!rule) throw new AppError('not_found', 'agent:routing.notFound');
    await renderForm(ctx, id, emptyForm(ruleValues(rule)));
  });
  r.post('/agent/admin/routing/:id', adminOnly, (ctx) => save(ctx, paramsInput(ctx, idPath).id));
  r.post('/agent/admin/routing/:id/move', adminOnly, async (ctx) => {
    const { direction } = formBody(ctx, z.object({ direction: z.enum(['up', 'down']) }));
    await moveRoutingRule(ctx.state.s.app, staffActor(ctx), paramsInput(ctx, idPath).id, direction);
    seeOther(ctx, '/agent/admin/routing');
  });
}
