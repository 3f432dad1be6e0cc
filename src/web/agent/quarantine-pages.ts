import type Router from '@koa/router';
import { z } from 'zod';
import { discardMail, releaseHeldMail } from '../../app/agent/quarantine.js';
import { createCustomerFromHeld } from '../../app/agent/quarantine-customer.js';
import { heldMailSource, heldMails } from '../../app/queries/agent-quarantine.js';
import { AppError } from '../../domain/errors.js';
import { type MailReason, reasonCode } from '../../domain/mail-reasons.js';
import { reasonLabelKey } from '../../i18n/reason-labels.js';
import type { WebState } from '../context.js';
import { emptyForm, textField } from '../forms.js';
import { html } from '../html.js';
import { formInput, idPath, paramsInput, queryInput, queryInt, text } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { bytes, when } from './format.js';
import { staffActor, staffOnly } from './guard.js';
import { agentPage } from './page.js';

/** Codes whose recorded detail is technical evidence worth showing as it is (headers, a parser error). */
const RAW_DETAIL = new Set<MailReason>(['not_authenticated', 'unreadable', 'too_large']);

/**
 * "code: detail" as the ingest records it, in the agent's language: the code's label, and the detail when it
 * is a message key of a refused use case ("#resolve: errors.transitionInvalid") or technical evidence. The
 * ingest's own English explanations stay out: the label says the same.
 */
export const reasonText = (t: (k: string, o?: Record<string, unknown>) => string, reason: string | null) => {
  const code = reasonCode(reason);
  const label = t(reasonLabelKey(code));
  const detail = code && reason ? reason.slice(reason.indexOf(':') + 1).trim() : '';
  const key = /^(?:(#[\p{L} ]+):\s*)?((?:[a-z]+:)?[a-zA-Z]+(?:\.[a-zA-Z_]+)+)$/u.exec(detail);
  if (key?.[2]) {
    const text = t(key[2], { defaultValue: '' });
    if (text) return `${label} — ${key[1] ? `${key[1]}: ` : ''}${text}`;
    return label;
  }
  return detail && code && RAW_DETAIL.has(code) ? `${label} — ${detail}` : label;
};

/** "Crear cliente y ticket": the company code is optional. */
const customerForm = z.object({ companyCode: z.string().trim().max(40) });

/** Shown of a held message's source: enough to judge it, never rendered as HTML. */
const SOURCE_PREVIEW_BYTES = 64 * 1024;

export function mountQuarantine(r: Router<WebState>): void {
  r.get('/agent/quarantine', staffOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const page = queryInput(ctx, { page: queryInt }).page ?? 1;
    const { rows, hasMore } = await heldMails(s.db, { page, pageSize: 50 });
    const csrf = await csrfField(ctx);
    await agentPage(ctx, {
      title: t('agent:quarantine.title'),
      section: 'quarantine',
      body: html`<h1>${t('agent:quarantine.title')}</h1><p class="lead">${t('agent:quarantine.intro')}</p>
${
  rows.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('agent:quarantine.received')}</th><th>${t('agent:quarantine.from')}</th><th>${t('agent:quarantine.subject')}</th><th>${t('agent:quarantine.reason')}</th><th></th></tr></thead><tbody>
${rows.map(
  (m) => html`<tr><td>${when(ctx, m.received_at ?? m.created_at)}</td><td>${m.from_address ?? '—'}</td>
<td><a href="/agent/quarantine/${m.id}">${m.subject || t('agent:quarantine.noSubject')}</a>${m.size ? html` <small>${bytes(m.size)}</small>` : ''}</td>
<td>${reasonText(t, m.reason)}</td>
<td class="nowrap">${m.person ? html`<form class="inline-form" method="post" action="/agent/quarantine/${m.id}/customer">${csrf}<button class="button primary" type="submit">${t('agent:quarantine.createCustomer')}</button></form>` : ''}<form class="inline-form" method="post" action="/agent/quarantine/${m.id}/release">${csrf}<button class="button primary" type="submit">${t('agent:quarantine.release')}</button></form>
<form class="inline-form" method="post" action="/agent/quarantine/${m.id}/discard">${csrf}<button class="button danger" type="submit">${t('agent:quarantine.discard')}</button></form></td></tr>`,
)}</tbody></table></div>`
    : html`<p class="empty card">${t('agent:quarantine.empty')}</p>`
}
<nav class="pager">${page > 1 ? html`<a class="button" href="/agent/quarantine?page=${page - 1}">${t('agent:queue.prevPage')}</a>` : ''}${hasMore ? html`<a class="button" href="/agent/quarantine?page=${page + 1}">${t('agent:queue.nextPage')}</a>` : ''}</nav>`,
    });
  });

  r.get('/agent/quarantine/:id', staffOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const m = await heldMailSource(s.db, paramsInput(ctx, idPath).id);
    if (!m) throw new AppError('not_found', 'portal:errors.pageNotFound');
    const csrf = await csrfField(ctx);
    const source = m.raw ? m.raw.subarray(0, SOURCE_PREVIEW_BYTES).toString('utf8') : '';
    await agentPage(ctx, {
      title: m.subject || t('agent:quarantine.noSubject'),
      section: 'quarantine',
      body: html`<p><a href="/agent/quarantine">← ${t('agent:quarantine.title')}</a></p>
<h1>${m.subject || t('agent:quarantine.noSubject')}</h1>
<dl class="facts"><div><dt>${t('agent:quarantine.from')}</dt><dd>${m.from_address ?? '—'}</dd></div>
<div><dt>${t('agent:quarantine.reason')}</dt><dd>${reasonText(t, m.reason)}</dd></div>
<div><dt>${t('agent:quarantine.received')}</dt><dd>${when(ctx, m.received_at ?? m.created_at)}</dd></div>
<div><dt>${t('agent:quarantine.state')}</dt><dd>${m.quarantine_state ?? ''}</dd></div></dl>
${
  m.quarantine_state === 'held' && m.person
    ? html`<form class="card" method="post" action="/agent/quarantine/${m.id}/customer">${csrf}
<p>${t('agent:quarantine.createCustomerHint', { name: m.person })}</p>
${textField(t, emptyForm(), { name: 'companyCode', label: t('agent:quarantine.companyCode'), hint: t('agent:quarantine.companyCodeHint'), maxlength: 40 })}
<div class="actions"><button class="button primary" type="submit">${t('agent:quarantine.createCustomer')}</button></div></form>`
    : ''
}
${
  m.quarantine_state === 'held'
    ? html`<div class="quick-actions"><form method="post" action="/agent/quarantine/${m.id}/release">${csrf}<button class="button primary" type="submit">${t('agent:quarantine.release')}</button></form>
<form method="post" action="/agent/quarantine/${m.id}/discard">${csrf}<button class="button danger" type="submit">${t('agent:quarantine.discard')}</button></form></div>`
    : ''
}
<h2>${t('agent:quarantine.source')}</h2><pre class="source">${source}${m.raw && m.raw.length > SOURCE_PREVIEW_BYTES ? '\n…' : ''}</pre>`,
    });
  });

  r.post('/agent/quarantine/:id/release', staffOnly, async (ctx) => {
    const { s } = ctx.state;
    const out = await releaseHeldMail(s.app, staffActor(ctx), paramsInput(ctx, idPath).id);
    setFlash(ctx, 'agent:flash.released');
    seeOther(ctx, out.ticketId ? `/agent/tickets/${out.ticketId}` : '/agent/quarantine');
  });
  r.post('/agent/quarantine/:id/customer', staffOnly, async (ctx) => {
    const { s } = ctx.state;
    const { id } = paramsInput(ctx, idPath);
    const form = customerForm.safeParse({ companyCode: formInput(ctx, { companyCode: text }).companyCode });
    if (!form.success)
      throw new AppError('invalid', 'agent:quarantine.companyCodeUnknown', {
        fields: { companyCode: 'agent:quarantine.companyCodeUnknown' },
      });
    const out = await createCustomerFromHeld(s.app, staffActor(ctx), id, {
      companyCode: form.data.companyCode || null,
      language: s.config.DEFAULT_LANGUAGE,
    });
    setFlash(ctx, 'agent:flash.customerCreated');
    seeOther(ctx, out.ticketId ? `/agent/tickets/${out.ticketId}` : `/agent/users/${out.userId}`);
  });
  r.post('/agent/quarantine/:id/discard', staffOnly, async (ctx) => {
    await discardMail(ctx.state.s.app, staffActor(ctx), paramsInput(ctx, idPath).id);
    setFlash(ctx, 'agent:flash.discarded');
    seeOther(ctx, '/agent/quarantine');
  });
}
