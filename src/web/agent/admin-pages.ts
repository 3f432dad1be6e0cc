import type Router from '@koa/router';
import { z } from 'zod';
import { createUser } from '../../app/accounts/create-user.js';
import { IMPORT_COLUMNS, IMPORT_KINDS } from '../../app/agent/csv-import.js';
import { listStaff } from '../../app/queries/agent-accounts.js';
import { AppError } from '../../domain/errors.js';
import { uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, selectField } from '../forms.js';
import { html } from '../html.js';
import { flag, formInput, formValues, oneOf, paramsInput, text } from '../input.js';
import { csrfQuery } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { userForm } from './customers-pages.js';
import { languageInput } from './fields.js';
import { adminOnly, staffActor } from './guard.js';
import { loadImport, startImport } from './import-jobs.js';
import { agentPage } from './page.js';

async function renderStaff(ctx: WebContext, form?: FormState, status = 200) {
  const { t, s } = ctx.state;
  const staff = await listStaff(s.db);
  await agentPage(ctx, {
    title: t('agent:nav.staff'),
    section: 'staff',
    status,
    body: html`<h1>${t('agent:nav.staff')}</h1>
<div class="table-wrap"><table class="data"><thead><tr><th>${t('agent:accounts.name')}</th><th>${t('agent:accounts.email')}</th><th>${t('agent:accounts.role')}</th><th>${t('agent:accounts.state')}</th></tr></thead><tbody>
${staff.map((u) => html`<tr class="${u.active ? '' : 'inactive'}"><td><a href="/agent/users/${u.id}">${u.name}</a></td><td>${u.email}</td><td>${t(`agent:roles.${u.role}`)}</td><td>${u.active ? t('agent:accounts.active') : t('agent:accounts.inactive')}</td></tr>`)}
</tbody></table></div>
<section class="card"><h2>${t('agent:accounts.addStaff')}</h2>
${await userForm(
  ctx,
  form ?? emptyForm({ role: 'agent', language: s.config.DEFAULT_LANGUAGE, invite: '1' }),
  {
    action: '/agent/admin/staff',
    submitLabel: t('agent:accounts.addStaff'),
    roles: ['agent', 'admin'],
    invite: true,
  },
)}</section>`,
  });
}

async function renderImportForm(ctx: WebContext, form: FormState, status = 200) {
  const { t } = ctx.state;
  await agentPage(ctx, {
    title: t('agent:import.title'),
    section: 'import',
    status,
    body: html`<h1>${t('agent:import.title')}</h1>
<section class="card"><p class="lead">${t('agent:import.intro')}</p>
<form method="post" action="/agent/admin/import?${await csrfQuery(ctx)}" enctype="multipart/form-data" novalidate>${errorSummary(t, form)}
${selectField(t, form, {
  name: 'kind',
  label: t('agent:import.kind'),
  options: IMPORT_KINDS.map((k) => ({ value: k, label: t(`agent:import.kind_${k}`) })),
})}
<div class="field${form.errors.file ? ' has-error' : ''}"><label for="f-file">${t('agent:import.file')}</label>
<input id="f-file" name="file" type="file" accept=".csv,text/csv,text/plain">
${form.errors.file ? html`<p class="field-error">${t(form.errors.file, form.message?.params ?? {})}</p>` : ''}</div>
<div class="actions"><button class="button primary" type="submit">${t('agent:import.start')}</button></div>
</form></section>
<section class="card"><h2>${t('agent:import.columns')}</h2><dl>
${IMPORT_KINDS.map(
  (k) =>
    html`<dt>${t(`agent:import.kind_${k}`)}</dt><dd><code>${[...IMPORT_COLUMNS[k].required, ...IMPORT_COLUMNS[k].optional].join(',')}</code> — ${t(`agent:import.help_${k}`)}</dd>`,
)}
</dl></section>`,
  });
}

const STAFF = {
  name: text,
  email: text,
  phone: text,
  language: languageInput,
  role: oneOf(['agent', 'admin'], 'agent:validation.roleInvalid'),
  invite: flag,
};

const IMPORT = { kind: oneOf(IMPORT_KINDS, 'agent:import.kindRequired') };
const IMPORT_ID = { id: z.string() };

/** A file's text when it is UTF-8; null otherwise. */
function utf8(data: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

export function mountAdmin(r: Router<WebState>): void {
  r.get('/agent/admin/staff', adminOnly, (ctx) => renderStaff(ctx));
  r.post('/agent/admin/staff', adminOnly, async (ctx) => {
    try {
      const { role, invite, phone, ...u } = formInput(ctx, STAFF);
      await createUser(ctx.state.s.app, staffActor(ctx), { ...u, phone: phone || null, role, invite });
      setFlash(ctx, invite ? 'agent:flash.invited' : 'agent:flash.saved');
      seeOther(ctx, '/agent/admin/staff');
    } catch (err) {
      const { status, form } = formError(err, formValues(ctx, Object.keys(STAFF)), ['invalid', 'conflict']);
      await renderStaff(ctx, form, status);
    }
  });

  r.get('/agent/admin/import', adminOnly, (ctx) => renderImportForm(ctx, emptyForm({ kind: 'customers' })));
  r.post('/agent/admin/import', adminOnly, async (ctx) => {
    try {
      const { kind } = formInput(ctx, IMPORT);
      const file = await uploadedFile(ctx, 'file');
      if (!file || file.data.length === 0)
        throw new AppError('invalid', 'validation.fixFields', {
          fields: { file: 'agent:import.fileRequired' },
        });
      const text = utf8(file.data);
      if (text === null)
        throw new AppError('invalid', 'validation.fixFields', { fields: { file: 'agent:import.notUtf8' } });
      const id = await startImport(ctx.state.s, staffActor(ctx), kind, file.filename, text);
      seeOther(ctx, `/agent/admin/import/${id}`);
    } catch (err) {
      const { status, form } = formError(err, formValues(ctx, ['kind']), ['invalid']);
      await renderImportForm(ctx, form, status);
    }
  });

  r.get('/agent/admin/import/:id', adminOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const { id } = paramsInput(ctx, IMPORT_ID);
    const st = await loadImport(s, id);
    if (!st) throw new AppError('not_found', 'portal:errors.pageNotFound');
    // Without JavaScript the page reloads itself until the import is over.
    if (st.state === 'running') ctx.set('Refresh', '1');
    const rep = st.report;
    await agentPage(ctx, {
      title: t('agent:import.title'),
      section: 'import',
      body: html`<h1>${t('agent:import.title')}: ${t(`agent:import.kind_${st.kind}`)}</h1>
<section class="card" aria-live="polite">
<p>${st.filename}</p>
${
  st.state === 'running'
    ? html`<p>${t('agent:import.running', { done: st.done, total: st.total || '…' })}</p><progress max="${st.total || 1}" value="${st.done}"></progress>`
    : ''
}
${st.state === 'failed' && st.error ? html`<div class="notice error" role="alert">${t(st.error.key, st.error.params)}</div>` : ''}
${
  rep
    ? html`<div class="notice ${rep.rejected.length ? 'info' : 'success'}" role="status" id="import-summary">${t('agent:import.summary', { imported: rep.imported, total: rep.total, rejected: rep.rejected.length })}</div>
${
  rep.rejected.length
    ? html`<h2>${t('agent:import.rejected')}</h2><div class="table-wrap"><table class="data rejected"><thead><tr><th>${t('agent:import.line')}</th><th>${t('agent:import.reason')}</th><th>${t('agent:import.content')}</th></tr></thead><tbody>
${rep.rejected.map((l) => html`<tr><td>${l.line}</td><td>${l.field ? html`<strong>${l.field}</strong>: ` : ''}${t(l.reason)}</td><td><code>${l.text}</code></td></tr>`)}
</tbody></table></div>`
    : ''
}`
    : ''
}
<p class="actions"><a class="button" href="/agent/admin/import">${t('agent:import.another')}</a></p>
</section>`,
    });
  });
}
