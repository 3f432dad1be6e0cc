import type Router from '@koa/router';
import { z } from 'zod';
import { createUser } from '../../app/accounts/create-user.js';
import { createCompany, createService, updateCompany, updateService } from '../../app/agent/companies.js';
import { clearBounce, reinviteUser, setUserActive, updateUser } from '../../app/agent/users.js';
import { companyDetail, listCompanies, serviceById, userById } from '../../app/queries/agent-accounts.js';
import { AppError } from '../../domain/errors.js';
import { TECHNOLOGIES } from '../../domain/incident-scope.js';
import { ROLES, type Role } from '../../domain/ticket-status.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, selectField, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import {
  flag,
  formInput,
  formValues,
  idPath,
  optionalOneOf,
  paramsInput,
  queryInput,
  queryInt,
  text,
} from '../input.js';
import { csrfField } from '../layout.js';
import { loginFailuresOf } from '../portal/login-limiter.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { checkbox, languageInput, languageOptions } from './fields.js';
import { personalDataCard } from './gdpr-pages.js';
import { staffActor, staffOnly } from './guard.js';
import { agentPage } from './page.js';

const redirect = (ctx: WebContext, to: string, flash: string) => {
  setFlash(ctx, flash);
  seeOther(ctx, to);
};

/** Runs a use case from a form: expected errors re-render the form with what was typed. */
async function submit(
  ctx: WebContext,
  run: () => Promise<void>,
  rerender: (form: FormState, status: number) => Promise<void>,
  names: readonly string[],
): Promise<void> {
  try {
    await run();
  } catch (err) {
    const { status, form } = formError(err, formValues(ctx, names), ['invalid', 'conflict', 'too_large']);
    await rerender(form, status);
  }
}

const COMPANY = { name: text, code: text, active: flag };
const SERVICE = { name: text, circuitId: text, address: text, active: flag };
const NETWORK = { accessNode: text, zone: text, exchange: text, technology: text, postcode: text };
/** A service from the form; where it runs only from admins (others keep what is stored). */
const serviceInput = (ctx: WebContext) => ({
  ...formInput(ctx, SERVICE),
  network: ctx.state.user?.role === 'admin' ? formInput(ctx, NETWORK) : undefined,
});
const USER = {
  name: text,
  email: text,
  phone: text,
  language: languageInput,
  manager: flag,
  invite: flag,
};
const ROLE = optionalOneOf(ROLES, 'agent:validation.roleInvalid');

const COMPANY_FIELDS = Object.keys(COMPANY);
const SERVICE_FIELDS = [...Object.keys(SERVICE), ...Object.keys(NETWORK)];
const USER_FIELDS = [...Object.keys(USER), 'role'];

export async function companyForm(
  ctx: WebContext,
  f: FormState,
  action: string,
  submitLabel: string,
): Promise<SafeHtml> {
  const { t } = ctx.state;
  return html`<form method="post" action="${action}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
<div class="grid-2">
${textField(t, f, { name: 'name', label: t('agent:accounts.companyName'), required: true, maxlength: 200 })}
${textField(t, f, { name: 'code', label: t('agent:accounts.code'), hint: t('agent:accounts.codeHint'), maxlength: 60 })}
</div>${checkbox(f, 'active', t('agent:accounts.active'))}
<div class="actions"><button class="button primary" type="submit">${submitLabel}</button></div></form>`;
}

async function serviceForm(
  ctx: WebContext,
  f: FormState,
  action: string,
  submitLabel: string,
): Promise<SafeHtml> {
  const { t } = ctx.state;
  return html`<form method="post" action="${action}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
<div class="grid-2">
${textField(t, f, { name: 'name', label: t('agent:accounts.serviceName'), required: true })}
${textField(t, f, { name: 'circuitId', label: t('agent:accounts.circuitId') })}
</div>
${textField(t, f, { name: 'address', label: t('agent:accounts.address') })}
${
  ctx.state.user?.role === 'admin'
    ? html`<fieldset class="field"><legend>${t('agent:network.title')}</legend><p class="hint">${t('agent:network.hint')}</p><div class="grid-2">
${textField(t, f, { name: 'accessNode', label: t('agent:network.accessNode'), maxlength: 100 })}
${textField(t, f, { name: 'zone', label: t('agent:network.zone'), maxlength: 100 })}
${textField(t, f, { name: 'exchange', label: t('agent:network.exchange'), maxlength: 100 })}
${selectField(t, f, { name: 'technology', label: t('agent:network.technology'), placeholder: '—', options: TECHNOLOGIES.map((x) => ({ value: x, label: t(`agent:network.tech_${x}`) })) })}
${textField(t, f, { name: 'postcode', label: t('agent:network.postcode'), maxlength: 100 })}
</div></fieldset>`
    : ''
}
${checkbox(f, 'active', t('agent:accounts.active'))}
<div class="actions"><button class="button primary" type="submit">${submitLabel}</button></div></form>`;
}

/** New-user form: customers of a company, or (admins) staff. */
export async function userForm(
  ctx: WebContext,
  f: FormState,
  o: { action: string; submitLabel: string; roles: Role[]; invite: boolean },
): Promise<SafeHtml> {
  const { t } = ctx.state;
  return html`<form method="post" action="${o.action}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
<div class="grid-2">
${textField(t, f, { name: 'name', label: t('agent:accounts.name'), required: true })}
${textField(t, f, { name: 'email', label: t('agent:accounts.email'), type: 'email', required: true })}
${textField(t, f, { name: 'phone', label: t('agent:accounts.phone'), type: 'tel' })}
${selectField(t, f, { name: 'language', label: t('agent:accounts.language'), options: languageOptions(t) })}
${
  o.roles.length > 1
    ? selectField(t, f, {
        name: 'role',
        label: t('agent:accounts.role'),
        options: o.roles.map((r) => ({ value: r, label: t(`agent:roles.${r}`) })),
      })
    : html`<input type="hidden" name="role" value="${o.roles[0] ?? 'customer'}">`
}
</div>
${o.roles.includes('customer') ? checkbox(f, 'manager', t('agent:accounts.manager')) : ''}
${o.invite ? checkbox(f, 'invite', t('agent:accounts.invite')) : ''}
<div class="actions"><button class="button primary" type="submit">${o.submitLabel}</button></div></form>`;
}

const LIST_QUERY = {
  q: z
    .string()
    .catch('')
    .transform((v) => v.slice(0, 200)),
  page: queryInt.transform((n) => n ?? 1),
};

async function renderList(ctx: WebContext) {
  const { t, s } = ctx.state;
  const { q, page } = queryInput(ctx, LIST_QUERY);
  const { rows, hasMore } = await listCompanies(s.db, { q, page, pageSize: 50 });
  const link = (p: number) => `/agent/customers?${new URLSearchParams({ q, page: String(p) })}`;
  await agentPage(ctx, {
    title: t('agent:accounts.customers'),
    section: 'customers',
    body: html`<div class="page-head"><h1>${t('agent:accounts.customers')}</h1><a class="button primary" href="/agent/customers/new">${t('agent:accounts.newCustomer')}</a></div>
<form class="filters" method="get" action="/agent/customers" role="search"><div class="field grow"><label for="c-q">${t('agent:accounts.searchCustomers')}</label><input id="c-q" type="search" name="q" value="${q}"></div><button class="button" type="submit">${t('agent:queue.apply')}</button></form>
${
  rows.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('agent:accounts.companyName')}</th><th>${t('agent:accounts.code')}</th><th>${t('agent:accounts.users')}</th><th>${t('agent:accounts.services')}</th></tr></thead><tbody>
${rows.map((c) => html`<tr class="${c.active ? '' : 'inactive'}"><td><a href="/agent/customers/${c.id}">${c.name}</a></td><td>${c.code ?? ''}</td><td>${c.users}</td><td>${c.services}</td></tr>`)}
</tbody></table></div>`
    : html`<p class="empty card">${t('agent:accounts.noCustomers')}</p>`
}
<nav class="pager">${page > 1 ? html`<a class="button" href="${link(page - 1)}">${t('agent:queue.prevPage')}</a>` : ''}${hasMore ? html`<a class="button" href="${link(page + 1)}">${t('agent:queue.nextPage')}</a>` : ''}</nav>`,
  });
}

type DetailForms = { company?: FormState; service?: FormState; user?: FormState };

async function renderDetail(ctx: WebContext, id: number, forms: DetailForms = {}, status = 200) {
  const { t, s } = ctx.state;
  const d = await companyDetail(s.db, id);
  const csrf = await csrfField(ctx);
  const companyState =
    forms.company ??
    emptyForm({ name: d.company.name, code: d.company.code ?? '', active: d.company.active ? '1' : '' });
  await agentPage(ctx, {
    title: d.company.name,
    section: 'customers',
    status,
    body: html`<p><a href="/agent/customers">← ${t('agent:accounts.customers')}</a></p>
<div class="page-head"><h1>${d.company.name}</h1><a class="button" href="/agent?customer=${id}&amp;status=all">${t('agent:accounts.companyTickets')}</a></div>
<section class="card"><h2>${t('agent:accounts.editCustomer')}</h2>${await companyForm(ctx, companyState, `/agent/customers/${id}`, t('agent:accounts.save'))}</section>
<section class="card"><h2>${t('agent:accounts.services')}</h2>
${
  d.services.length
    ? html`<table class="data"><thead><tr><th>${t('agent:accounts.serviceName')}</th><th>${t('agent:accounts.circuitId')}</th><th>${t('agent:accounts.address')}</th><th>${t('agent:network.zone')}</th><th>${t('agent:network.technology')}</th></tr></thead><tbody>
${d.services.map((sv) => html`<tr class="${sv.active ? '' : 'inactive'}"><td><a href="/agent/services/${sv.id}">${sv.name}</a></td><td>${sv.circuit_id ?? ''}</td><td>${sv.address ?? ''}</td><td>${sv.zone ?? ''}</td><td>${sv.technology ? t(`agent:network.tech_${sv.technology}`) : ''}</td></tr>`)}</tbody></table>`
    : html`<p class="empty">${t('agent:accounts.noServices')}</p>`
}
<details${forms.service ? html` open` : ''}><summary>${t('agent:accounts.addService')}</summary>
${await serviceForm(ctx, forms.service ?? emptyForm({ active: '1' }), `/agent/customers/${id}/services`, t('agent:accounts.addService'))}</details>
</section>
<section class="card"><h2>${t('agent:accounts.users')}</h2>
${
  d.users.length
    ? html`<table class="data"><thead><tr><th>${t('agent:accounts.name')}</th><th>${t('agent:accounts.email')}</th><th>${t('agent:accounts.tickets')}</th><th>${t('agent:accounts.state')}</th><th></th></tr></thead><tbody>
${d.users.map(
  (
    u,
  ) => html`<tr class="${u.active ? '' : 'inactive'}"><td><a href="/agent/users/${u.id}">${u.name}</a>${u.is_company_manager ? html` <small>(${t('agent:accounts.managerShort')})</small>` : ''}</td><td>${u.email}</td>
<td><a href="/agent?requester=${u.id}&amp;status=all">${u.tickets}</a></td>
<td>${u.active ? (u.must_change_password ? t('agent:accounts.invited') : t('agent:accounts.active')) : t('agent:accounts.inactive')}</td>
<td><form class="inline-form" method="post" action="/agent/users/${u.id}/active">${csrf}<input type="hidden" name="active" value="${u.active ? '0' : '1'}"><button class="button${u.active ? ' danger' : ''}" type="submit">${u.active ? t('agent:accounts.deactivate') : t('agent:accounts.reactivate')}</button></form></td></tr>`,
)}</tbody></table>`
    : html`<p class="empty">${t('agent:accounts.noUsers')}</p>`
}
<details${forms.user ? html` open` : ''}><summary>${t('agent:accounts.addUser')}</summary>
${await userForm(ctx, forms.user ?? emptyForm({ language: s.config.DEFAULT_LANGUAGE, invite: '1' }), {
  action: `/agent/customers/${id}/users`,
  submitLabel: t('agent:accounts.addUser'),
  roles: ['customer'],
  invite: true,
})}</details>
</section>`,
  });
}

async function renderUser(ctx: WebContext, id: number, form?: FormState, status = 200) {
  const { t, s, user: me } = ctx.state;
  const u = await userById(s.db, id);
  if (u.role !== 'customer' && me?.role !== 'admin') throw new AppError('forbidden', 'errors.forbidden');
  const f =
    form ??
    emptyForm({
      name: u.name,
      email: u.email,
      phone: u.phone ?? '',
      language: u.language,
      role: u.role,
      companyId: String(u.company_id ?? ''),
      manager: u.is_company_manager ? '1' : '',
    });
  const csrf = await csrfField(ctx);
  const loginFailures = await loginFailuresOf(s, u.email);
  const roles: Role[] = me?.role === 'admin' ? ['customer', 'agent', 'admin'] : ['customer'];
  await agentPage(ctx, {
    title: u.name,
    section: u.role === 'customer' ? 'customers' : 'staff',
    status,
    body: html`<p>${u.company_id ? html`<a href="/agent/customers/${u.company_id}">← ${t('agent:accounts.company')}</a>` : html`<a href="/agent/admin/staff">← ${t('agent:nav.staff')}</a>`}</p>
<div class="page-head"><h1>${u.name}</h1><span class="badge">${u.active ? t('agent:accounts.active') : t('agent:accounts.inactive')}</span></div>
${
  u.bounced_at
    ? html`<section class="notice error" role="status"><p>${t('agent:accounts.bounced', { reason: u.bounce_reason ?? '' })}</p>
<form method="post" action="/agent/users/${id}/unbounce">${csrf}<button class="button" type="submit">${t('agent:accounts.clearBounce')}</button></form></section>`
    : ''
}
${loginFailures > 0 ? html`<p class="notice error" role="status">${t('agent:security.loginFailures', { count: loginFailures })}</p>` : ''}
<section class="card">${await userForm(ctx, f, { action: `/agent/users/${id}`, submitLabel: t('agent:accounts.save'), roles, invite: false })}
</section>
<section class="card"><div class="quick-actions">
<form method="post" action="/agent/users/${id}/active">${csrf}<input type="hidden" name="active" value="${u.active ? '0' : '1'}"><button class="button${u.active ? ' danger' : ''}" type="submit">${u.active ? t('agent:accounts.deactivate') : t('agent:accounts.reactivate')}</button></form>
${u.active ? html`<form method="post" action="/agent/users/${id}/invite">${csrf}<button class="button" type="submit">${t('agent:accounts.reinvite')}</button></form>` : ''}
</div><p class="hint">${t('agent:accounts.deactivateHint')}</p></section>
${me?.role === 'admin' && u.role === 'customer' ? await personalDataCard(ctx, u) : ''}`,
  });
}

/** The account fields of a user form, and whether to mail an invitation. */
function userEdit(ctx: WebContext, companyId: number | null) {
  const { manager, invite, ...u } = formInput(ctx, USER);
  return { edit: { ...u, phone: u.phone || null, companyId, isCompanyManager: manager }, invite };
}

export function mountCustomers(r: Router<WebState>): void {
  r.get('/agent/customers', staffOnly, renderList);

  const renderNew = async (ctx: WebContext, f: FormState, status = 200) =>
    agentPage(ctx, {
      title: ctx.state.t('agent:accounts.newCustomer'),
      section: 'customers',
      status,
      body: html`<h1>${ctx.state.t('agent:accounts.newCustomer')}</h1><section class="card">${await companyForm(ctx, f, '/agent/customers', ctx.state.t('agent:accounts.create'))}</section>`,
    });
  r.get('/agent/customers/new', staffOnly, (ctx) => renderNew(ctx, emptyForm({ active: '1' })));
  r.post('/agent/customers', staffOnly, (ctx) =>
    submit(
      ctx,
      async () => {
        const id = await createCompany(ctx.state.s.app, staffActor(ctx), formInput(ctx, COMPANY));
        redirect(ctx, `/agent/customers/${id}`, 'agent:flash.saved');
      },
      (f, st) => renderNew(ctx, f, st),
      COMPANY_FIELDS,
    ),
  );

  r.get('/agent/customers/:id', staffOnly, (ctx) => renderDetail(ctx, paramsInput(ctx, idPath).id));
  r.post('/agent/customers/:id', staffOnly, (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    return submit(
      ctx,
      async () => {
        await updateCompany(ctx.state.s.app, staffActor(ctx), id, formInput(ctx, COMPANY));
        redirect(ctx, `/agent/customers/${id}`, 'agent:flash.saved');
      },
      (f, st) => renderDetail(ctx, id, { company: f }, st),
      COMPANY_FIELDS,
    );
  });
  r.post('/agent/customers/:id/services', staffOnly, (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    return submit(
      ctx,
      async () => {
        await createService(ctx.state.s.app, staffActor(ctx), id, serviceInput(ctx));
        redirect(ctx, `/agent/customers/${id}`, 'agent:flash.saved');
      },
      (f, st) => renderDetail(ctx, id, { service: f }, st),
      SERVICE_FIELDS,
    );
  });
  r.post('/agent/customers/:id/users', staffOnly, (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    return submit(
      ctx,
      async () => {
        const { edit, invite } = userEdit(ctx, id);
        await createUser(ctx.state.s.app, staffActor(ctx), { ...edit, role: 'customer', invite });
        redirect(ctx, `/agent/customers/${id}`, invite ? 'agent:flash.invited' : 'agent:flash.saved');
      },
      (f, st) => renderDetail(ctx, id, { user: f }, st),
      USER_FIELDS,
    );
  });

  const renderService = async (ctx: WebContext, id: number, form?: FormState, status = 200) => {
    const { t, s } = ctx.state;
    const sv = await serviceById(s.db, id);
    const f =
      form ??
      emptyForm({
        name: sv.name,
        circuitId: sv.circuit_id ?? '',
        address: sv.address ?? '',
        active: sv.active ? '1' : '',
        accessNode: sv.access_node ?? '',
        zone: sv.zone ?? '',
        exchange: sv.exchange ?? '',
        technology: sv.technology ?? '',
        postcode: sv.postcode ?? '',
      });
    await agentPage(ctx, {
      title: sv.name,
      section: 'customers',
      status,
      body: html`<p><a href="/agent/customers/${sv.company_id}">← ${t('agent:accounts.company')}</a></p><h1>${sv.name}</h1>
<section class="card">${await serviceForm(ctx, f, `/agent/services/${id}`, t('agent:accounts.save'))}<p class="hint">${t('agent:accounts.serviceHint')}</p></section>`,
    });
  };
  r.get('/agent/services/:id', staffOnly, (ctx) => renderService(ctx, paramsInput(ctx, idPath).id));
  r.post('/agent/services/:id', staffOnly, (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    return submit(
      ctx,
      async () => {
        await updateService(ctx.state.s.app, staffActor(ctx), id, serviceInput(ctx));
        const sv = await serviceById(ctx.state.s.db, id);
        redirect(ctx, `/agent/customers/${sv.company_id}`, 'agent:flash.saved');
      },
      (f, st) => renderService(ctx, id, f, st),
      SERVICE_FIELDS,
    );
  });

  r.get('/agent/users/:id', staffOnly, (ctx) => renderUser(ctx, paramsInput(ctx, idPath).id));
  r.post('/agent/users/:id', staffOnly, (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    return submit(
      ctx,
      async () => {
        const current = await userById(ctx.state.s.db, id);
        const { role: chosen } = formInput(ctx, { role: ROLE });
        const role = chosen ?? current.role;
        const { edit } = userEdit(ctx, role === 'customer' ? current.company_id : null);
        await updateUser(ctx.state.s.app, staffActor(ctx), id, { ...edit, role });
        redirect(ctx, `/agent/users/${id}`, 'agent:flash.saved');
      },
      (f, st) => renderUser(ctx, id, f, st),
      USER_FIELDS,
    );
  });
  r.post('/agent/users/:id/active', staffOnly, async (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    const { active } = formInput(ctx, { active: flag });
    await setUserActive(ctx.state.s.app, staffActor(ctx), id, active);
    const u = await userById(ctx.state.s.db, id);
    redirect(
      ctx,
      u.company_id ? `/agent/customers/${u.company_id}` : `/agent/users/${id}`,
      active ? 'agent:flash.reactivated' : 'agent:flash.deactivated',
    );
  });
  r.post('/agent/users/:id/unbounce', staffOnly, async (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    await clearBounce(ctx.state.s.app, staffActor(ctx), id);
    redirect(ctx, `/agent/users/${id}`, 'agent:flash.saved');
  });
  r.post('/agent/users/:id/invite', staffOnly, async (ctx) => {
    const { id } = paramsInput(ctx, idPath);
    await reinviteUser(ctx.state.s.app, staffActor(ctx), id);
    redirect(ctx, `/agent/users/${id}`, 'agent:flash.invited');
  });
}
