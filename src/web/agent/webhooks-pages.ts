import type Router from '@koa/router';
import { z } from 'zod';
import {
  listWebhookEndpoints,
  type WebhookEndpointView,
  webhookDeliveryLog,
  webhookEndpointById,
} from '../../app/queries/webhooks.js';
import {
  createWebhookEndpoint,
  rotateWebhookSecret,
  sendWebhookTest,
  updateWebhookEndpoint,
} from '../../app/webhooks/endpoints.js';
import { AppError } from '../../domain/errors.js';
import { WEBHOOK_EVENTS } from '../../domain/webhooks.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { idPath, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { checkbox, checkGroup } from './fields.js';
import { formBody, manyTexts, oneText, ticked } from './form-body.js';
import { when } from './format.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const LIST = '/agent/admin/webhooks';

const endpointSchema = z.object({ url: oneText, events: manyTexts, active: ticked });

const eventLabel = (ctx: WebContext, event: string) => ctx.state.t(`webhooks:events.${event}`);

/** What was typed, to re-render a form that failed. */
function typed(ctx: WebContext): Record<string, string> {
  const r = endpointSchema.safeParse(ctx.request.body ?? {});
  if (!r.success) return {};
  return { url: r.data.url, events: r.data.events.join('\n'), active: r.data.active ? '1' : '' };
}

const stored = (e: WebhookEndpointView): FormState =>
  emptyForm({ url: e.url, events: e.events.join('\n'), active: e.active ? '1' : '' });

function stateOf(ctx: WebContext, e: WebhookEndpointView): string {
  const { t } = ctx.state;
  if (!e.active)
    return e.disabled_at
      ? t('webhooks:state.disabled', { when: when(ctx, e.disabled_at) })
      : t('webhooks:state.inactive');
  return e.failing_since
    ? t('webhooks:state.failing', { when: when(ctx, e.failing_since) })
    : t('webhooks:state.active');
}

async function endpointForm(
  ctx: WebContext,
  f: FormState,
  o: { action: string; submit: string; withActive: boolean },
): Promise<SafeHtml> {
  const { t } = ctx.state;
  return html`<form method="post" action="${o.action}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
${textField(t, f, { name: 'url', label: t('webhooks:form.url'), hint: t('webhooks:form.urlHint'), required: true, type: 'url', maxlength: 2000 })}
${checkGroup(
  t,
  f,
  'events',
  t('webhooks:form.events'),
  WEBHOOK_EVENTS.map((e) => ({ value: e, label: `${eventLabel(ctx, e)} (${e})` })),
)}
${o.withActive ? checkbox(f, 'active', t('webhooks:form.active')) : ''}
<div class="actions"><button class="button primary" type="submit">${o.submit}</button></div></form>`;
}

async function renderList(ctx: WebContext, create = emptyForm(), status = 200) {
  const { t, s } = ctx.state;
  const rows = await listWebhookEndpoints(s.db);
  await agentPage(ctx, {
    title: t('webhooks:title'),
    section: 'webhooks',
    status,
    body: html`<h1>${t('webhooks:title')}</h1>
<p class="lead">${t('webhooks:intro', { days: s.config.WEBHOOK_DISABLE_AFTER_DAYS })}</p>
${
  rows.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">${t('webhooks:list.url')}</th><th scope="col">${t('webhooks:list.events')}</th><th scope="col">${t('webhooks:list.state')}</th><th scope="col">${t('webhooks:list.last')}</th></tr></thead><tbody>
${rows.map(
  (e) =>
    html`<tr class="${e.active ? '' : 'inactive'}"><td><a href="${LIST}/${e.id}">${e.url}</a></td><td>${t('webhooks:list.eventCount', { count: e.events.length })}</td><td>${stateOf(ctx, e)}</td><td>${e.last_status ? `${t(`webhooks:status.${e.last_status}`)}${e.last_code ? ` (${e.last_code})` : ''}` : '—'}</td></tr>`,
)}
</tbody></table></div>`
    : html`<p class="empty card">${t('webhooks:list.empty')}</p>`
}
<section class="card" aria-labelledby="new-webhook"><h2 id="new-webhook">${t('webhooks:form.add')}</h2>
${await endpointForm(ctx, create, { action: LIST, submit: t('webhooks:form.create'), withActive: false })}</section>`,
  });
}

async function renderEndpoint(ctx: WebContext, id: number, form?: FormState, status = 200) {
  const { t, s } = ctx.state;
  const e = await webhookEndpointById(s.db, id);
  if (!e) throw new AppError('not_found', 'webhooks:errors.notFound');
  const log = await webhookDeliveryLog(s.db, id);
  const csrf = await csrfField(ctx);
  await agentPage(ctx, {
    title: e.url,
    section: 'webhooks',
    status,
    body: html`<p><a href="${LIST}">${t('webhooks:back')}</a></p><h1 class="webhook-url">${e.url}</h1>
<p>${t('webhooks:list.state')}: <strong>${stateOf(ctx, e)}</strong></p>
<section class="card">${await endpointForm(ctx, form ?? stored(e), {
      action: `${LIST}/${id}`,
      submit: t('webhooks:form.save'),
      withActive: true,
    })}</section>
<section class="card" aria-labelledby="secret"><h2 id="secret">${t('webhooks:secret.title')}</h2>
<p class="hint">${t('webhooks:secret.hint')}</p>
<form method="post" action="${LIST}/${id}/rotate">${csrf}<p class="hint">${t('webhooks:secret.rotateHint')}</p><button class="button" type="submit">${t('webhooks:secret.rotate')}</button></form></section>
<section class="card" aria-labelledby="test"><h2 id="test">${t('webhooks:test.title')}</h2>
${
  e.active
    ? html`<form method="post" action="${LIST}/${id}/test">${csrf}<p class="hint">${t('webhooks:test.hint')}</p><button class="button" type="submit">${t('webhooks:test.button')}</button></form>`
    : html`<p class="hint">${t('webhooks:errors.inactive')}</p>`
}</section>
<section aria-labelledby="log"><h2 id="log">${t('webhooks:log.title')}</h2>
${
  log.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">${t('webhooks:log.id')}</th><th scope="col">${t('webhooks:log.event')}</th><th scope="col">${t('webhooks:log.when')}</th><th scope="col">${t('webhooks:log.status')}</th><th scope="col">${t('webhooks:log.code')}</th><th scope="col">${t('webhooks:log.duration')}</th><th scope="col">${t('webhooks:log.attempts')}</th><th scope="col">${t('webhooks:log.error')}</th></tr></thead><tbody>
${log.map(
  (d) =>
    html`<tr><td>${d.id}</td><td><code>${d.event}</code></td><td>${when(ctx, d.attempted_at ?? d.created_at)}</td><td>${t(`webhooks:status.${d.status}`)}</td><td>${d.response_code ?? '—'}</td><td>${d.duration_ms === null ? '—' : t('webhooks:log.ms', { ms: d.duration_ms })}</td><td>${d.attempts}</td><td>${d.error ?? ''}</td></tr>`,
)}
</tbody></table></div>`
    : html`<p class="empty">${t('webhooks:log.empty')}</p>`
}</section>`,
  });
}

const input = (ctx: WebContext) => formBody(ctx, endpointSchema);

/** Webhook endpoints (admins): list and add, change or disable one, its secret rotated, a test sent, its log. */
export function mountWebhooks(r: Router<WebState>): void {
  r.get(LIST, adminOnly, (ctx) => renderList(ctx));
  r.post(LIST, adminOnly, async (ctx) => {
    try {
      const v = input(ctx);
      const { id, secret } = await createWebhookEndpoint(
        ctx.state.s.app,
        staffActor(ctx),
        { url: v.url, events: v.events, active: true },
        ctx.state.s.config.SECRET,
      );
      // Shown once, on the next page: the session's one-shot message, gone once read.
      setFlash(ctx, 'webhooks:secret.created', { secret });
      seeOther(ctx, `${LIST}/${id}`);
    } catch (err) {
      const failed = formError(err, typed(ctx));
      await renderList(ctx, failed.form, failed.status);
    }
  });
  r.get(`${LIST}/:id`, adminOnly, (ctx) => renderEndpoint(ctx, paramsInput(ctx, idPath).id));
  r.post(`${LIST}/:id`, adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    try {
      await updateWebhookEndpoint(ctx.state.s.app, staffActor(ctx), id, input(ctx));
      setFlash(ctx, 'webhooks:flash.saved');
      seeOther(ctx, `${LIST}/${id}`);
    } catch (err) {
      const failed = formError(err, typed(ctx));
      await renderEndpoint(ctx, id, failed.form, failed.status);
    }
  });
  r.post(`${LIST}/:id/rotate`, adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    const secret = await rotateWebhookSecret(ctx.state.s.app, staffActor(ctx), id, ctx.state.s.config.SECRET);
    setFlash(ctx, 'webhooks:secret.rotated', { secret });
    seeOther(ctx, `${LIST}/${id}`);
  });
  r.post(`${LIST}/:id/test`, adminOnly, async (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    await sendWebhookTest(ctx.state.s.app, staffActor(ctx), id);
    setFlash(ctx, 'webhooks:test.queued');
    seeOther(ctx, `${LIST}/${id}#log`);
  });
}
