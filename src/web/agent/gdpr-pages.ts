import type Router from '@koa/router';
import { eraseCustomer } from '../../app/gdpr/erase-customer.js';
import { exportCustomerData } from '../../app/gdpr/export-customer.js';
import { userById } from '../../app/queries/agent-accounts.js';
import { isErasedEmail } from '../../domain/erasure.js';
import { AppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { formInput, formValues, paramsInput, pathId, text } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const ID = { id: pathId };
const CONFIRM = { confirmEmail: text };

/** The card of a customer's page (admins only): download their data, or go to the erasure's confirmation. */
export async function personalDataCard(
  ctx: WebContext,
  user: { id: number; email: string },
): Promise<SafeHtml> {
  const { t } = ctx.state;
  if (isErasedEmail(user.email))
    return html`<section class="card"><h2>${t('gdpr:data.title')}</h2><p>${t('gdpr:data.erased')}</p></section>`;
  return html`<section class="card"><h2>${t('gdpr:data.title')}</h2><p class="hint">${t('gdpr:data.intro')}</p>
<div class="quick-actions"><form method="post" action="/agent/users/${user.id}/export">${await csrfField(ctx)}<button class="button" type="submit">${t('gdpr:data.export')}</button></form>
<a class="button danger" href="/agent/users/${user.id}/erase">${t('gdpr:data.erase')}</a></div></section>`;
}

async function renderErase(ctx: WebContext, id: number, form: FormState, status = 200): Promise<void> {
  const { t, s } = ctx.state;
  const u = await userById(s.db, id);
  if (u.role !== 'customer') throw new AppError('conflict', 'gdpr:onlyCustomers');
  if (isErasedEmail(u.email)) throw new AppError('conflict', 'gdpr:erase.already');
  await agentPage(ctx, {
    title: t('gdpr:erase.title', { name: u.name }),
    section: 'customers',
    status,
    body: html`<p><a href="/agent/users/${id}">← ${u.name}</a></p>
<h1>${t('gdpr:erase.title', { name: u.name })}</h1>
<section class="card"><p>${t('gdpr:erase.what')}</p>
<ul><li>${t('gdpr:erase.account', { id })}</li><li>${t('gdpr:erase.texts')}</li><li>${t('gdpr:erase.files')}</li></ul>
<p>${t('gdpr:erase.kept')}</p>
<form method="post" action="/agent/users/${id}/erase" novalidate>${await csrfField(ctx)}${errorSummary(t, form)}
${textField(t, form, {
  name: 'confirmEmail',
  label: t('gdpr:erase.confirm'),
  hint: t('gdpr:erase.confirmHint', { email: u.email }),
  type: 'email',
  autocomplete: 'off',
  required: true,
})}
<div class="actions"><button class="button danger solid" type="submit">${t('gdpr:erase.submit')}</button> <a class="button" href="/agent/users/${id}">${t('gdpr:erase.cancel')}</a></div>
</form></section>`,
  });
}

export function mountGdpr(r: Router<WebState>): void {
  r.post('/agent/users/:id/export', adminOnly, async (ctx) => {
    const { id } = paramsInput(ctx, ID);
    const { filename, stream } = await exportCustomerData(ctx.state.s.app, staffActor(ctx), id);
    ctx.type = 'application/zip';
    ctx.attachment(filename);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = stream;
  });
  r.get('/agent/users/:id/erase', adminOnly, (ctx) => renderErase(ctx, paramsInput(ctx, ID).id, emptyForm()));
  r.post('/agent/users/:id/erase', adminOnly, async (ctx) => {
    const { id } = paramsInput(ctx, ID);
    try {
      const report = await eraseCustomer(ctx.state.s.app, staffActor(ctx), id, formInput(ctx, CONFIRM));
      setFlash(ctx, 'gdpr:erase.done', { ...report });
      seeOther(ctx, `/agent/users/${id}`);
    } catch (err) {
      const { status, form } = formError(err, formValues(ctx, Object.keys(CONFIRM)), ['invalid']);
      await renderErase(ctx, id, form, status);
    }
  });
}
