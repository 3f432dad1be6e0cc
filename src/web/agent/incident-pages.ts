import type Router from '@koa/router';
import { declareIncident, postIncidentUpdate } from '../../app/incidents/declare.js';
import { linkTicketToIncident, unlinkTicketFromIncident } from '../../app/incidents/link-tickets.js';
import { resolveIncident } from '../../app/incidents/resolve-incident.js';
import {
  type IncidentSummary,
  incidentDetail,
  incidentHead,
  listIncidents,
} from '../../app/queries/incidents.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { inLanguage } from '../../domain/incident-scope.js';
import { formatReference } from '../../domain/reference.js';
import { queueIncidentResolve } from '../../jobs/incident-resolve.js';
import { field } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { dateTime, dateTimeInputValue, timeZoneOf } from '../dates.js';
import { HTTP_STATUS } from '../errors.js';
import { emptyForm, errorSummary, type FormState, formFromError } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { formInput, formValues, idPath, optionalId, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { setFlash } from '../session.js';
import { staffActor, staffOnly } from './guard.js';
import {
  DECLARE_FIELDS,
  dateField,
  declareForm,
  localizedField,
  localizedFields,
  readDeclaration,
} from './incident-form.js';
import { agentPage } from './page.js';

const LINK_FORM = { incidentId: optionalId('validation.fixFields') };

import { seeOther } from '../redirect.js';

const redirect = (ctx: WebContext, to: string, flash: string) => {
  setFlash(ctx, flash);
  seeOther(ctx, to);
};

/** Runs a use case from a form; a fixable error re-renders the page with what was typed. */
async function submit(
  ctx: WebContext,
  names: string[],
  run: () => Promise<void>,
  rerender: (f: FormState, status: number) => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    await rerender(formFromError(err, formValues(ctx, names)), HTTP_STATUS[err.code]);
  }
}

/** 95 → "1 h 35 min". */
function duration(ctx: WebContext, minutes: number | null): string {
  if (minutes === null) return '—';
  const h = Math.floor(minutes / 60);
  return ctx.state.t('agent:incidents.duration', { h, m: minutes % 60 });
}

function figures(ctx: WebContext, i: IncidentSummary): SafeHtml {
  const { t } = ctx.state;
  const f = i.figures;
  return html`<dl class="facts">
<div><dt>${t('agent:incidents.customersAffected')}</dt><dd>${f.customersAffected}</dd></div>
<div><dt>${t('agent:incidents.servicesAffected')}</dt><dd>${f.servicesAffected}</dd></div>
<div><dt>${t('agent:incidents.ticketsLinked')}</dt><dd>${f.ticketsLinked}</dd></div>
<div><dt>${t('agent:incidents.firstUpdate')}</dt><dd>${duration(ctx, f.minutesToFirstUpdate)}</dd></div>
<div><dt>${i.status === 'open' ? t('agent:incidents.openFor') : t('agent:incidents.lasted')}</dt><dd>${duration(ctx, f.durationMinutes)}</dd></div>
</dl>`;
}

const badge = (ctx: WebContext, i: { status: string; public: boolean }) =>
  html`<span class="badge status-${i.status === 'open' ? 'new' : 'closed'}">${ctx.state.t(`agent:incidents.status_${i.status}`)}</span> <span class="badge">${ctx.state.t(i.public ? 'agent:incidents.publicShort' : 'agent:incidents.internalShort')}</span>`;

async function renderList(ctx: WebContext) {
  const { t, s, lang } = ctx.state;
  const rows = await listIncidents(s.db);
  await agentPage(ctx, {
    title: t('agent:incidents.title'),
    section: 'incidents',
    body: html`<div class="page-head"><h1>${t('agent:incidents.title')}</h1><a class="button primary" href="/agent/incidents/new">${t('agent:incidents.declare')}</a></div>
${
  rows.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('agent:incidents.titleField')}</th><th>${t('agent:incidents.state')}</th><th>${t('agent:incidents.startedAt')}</th><th>${t('agent:incidents.customersAffected')}</th><th>${t('agent:incidents.ticketsLinked')}</th><th>${t('agent:incidents.firstUpdate')}</th><th>${t('agent:incidents.lasted')}</th></tr></thead><tbody>
${rows.map(
  (
    i,
  ) => html`<tr><td><a href="/agent/incidents/${i.id}">${inLanguage(i.title, lang)}</a></td><td>${badge(ctx, i)}</td><td>${dateTime(ctx, i.started_at)}</td>
<td>${i.figures.customersAffected}</td><td>${i.figures.ticketsLinked}</td><td>${duration(ctx, i.figures.minutesToFirstUpdate)}</td><td>${duration(ctx, i.figures.durationMinutes)}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="empty card">${t('agent:incidents.none')}</p>`
}`,
  });
}

type DetailForms = { update?: FormState; resolve?: FormState };

async function renderDetail(ctx: WebContext, id: number, forms: DetailForms = {}, status = 200) {
  const { t, s, lang } = ctx.state;
  const d = await incidentDetail(s.db, id);
  if (!d) throw new AppError('not_found', 'agent:incidents.notFound');
  const i = d.incident;
  const csrf = await csrfField(ctx);
  const tz = timeZoneOf(ctx);
  const scope =
    'serviceIds' in i.scope
      ? [t('agent:incidents.serviceIdsList', { ids: i.scope.serviceIds.join(', ') })]
      : (
          [
            ['zones', i.scope.zones],
            ['accessNodes', i.scope.accessNodes],
            ['exchanges', i.scope.exchanges],
            ['technologies', i.scope.technologies],
            ['postcodes', i.scope.postcodes],
          ] as const
        )
          .filter(([, v]) => v?.length)
          .map(([k, v]) => `${t(`agent:network.${k}`)}: ${v?.join(', ')}`);
  const updateForm =
    forms.update ??
    emptyForm({
      public: i.public ? '1' : '',
      estimatedEndAt: i.estimated_end_at ? dateTimeInputValue(i.estimated_end_at, tz) : '',
    });
  const open = i.status === 'open';
  await agentPage(ctx, {
    title: inLanguage(i.title, lang),
    section: 'incidents',
    status,
    body: html`<p><a href="/agent/incidents">← ${t('agent:incidents.title')}</a></p>
<div class="card ticket-head"><h1>${inLanguage(i.title, lang)}</h1>${badge(ctx, i)}
<dl class="facts">
<div><dt>${t('agent:incidents.startedAt')}</dt><dd>${dateTime(ctx, i.started_at)}</dd></div>
<div><dt>${t('agent:incidents.estimate')}</dt><dd>${i.estimated_end_at ? dateTime(ctx, i.estimated_end_at) : '—'}</dd></div>
${i.resolved_at ? html`<div><dt>${t('agent:incidents.resolvedAt')}</dt><dd>${dateTime(ctx, i.resolved_at)}</dd></div>` : ''}
<div><dt>${t('agent:incidents.declaredBy')}</dt><dd>${d.declaredBy ?? t('agent:ticket.system')}</dd></div>
</dl>
<h2>${t('agent:incidents.figures')}</h2>${figures(ctx, i)}
<h2>${t('agent:incidents.scope')}</h2><ul>${scope.map((x) => html`<li>${x}</li>`)}</ul>
<h2>${t('agent:incidents.description')}</h2><div class="body">${inLanguage(i.description, lang)}</div>
${i.solution ? html`<div class="solution card"><h2>${t('agent:ticket.solution')}</h2><div class="solution-text">${inLanguage(i.solution, lang)}</div></div>` : ''}
</div>
${
  open
    ? html`<section class="card"><h2>${t('agent:incidents.postUpdate')}</h2>
<form method="post" action="/agent/incidents/${id}/update" novalidate>${csrf}${errorSummary(t, updateForm)}
${localizedFields(ctx, updateForm, { name: 'body', label: t('agent:incidents.updateText'), area: true })}
<div class="field"><label for="f-estimatedEndAt">${t('agent:incidents.newEstimate')}</label><input id="f-estimatedEndAt" name="estimatedEndAt" type="datetime-local" value="${updateForm.values.estimatedEndAt ?? ''}">${updateForm.errors.estimatedEndAt ? html`<p class="field-error">${t(updateForm.errors.estimatedEndAt)}</p>` : ''}</div>
${i.public ? html`<div class="field"><label class="radio"><input type="checkbox" name="public" value="1"${updateForm.values.public === '1' ? html` checked` : ''}> ${t('agent:incidents.updatePublic', { count: i.figures.ticketsLinked })}</label></div>` : ''}
<div class="actions"><button class="button primary" type="submit">${t('agent:incidents.publish')}</button></div></form></section>
<section class="card"><details${forms.resolve ? html` open` : ''}><summary>${t('agent:incidents.resolve')}</summary>
<form method="post" action="/agent/incidents/${id}/resolve" novalidate>${csrf}${errorSummary(t, forms.resolve ?? emptyForm())}
<p class="hint">${t('agent:incidents.resolveHint')}</p>
${localizedFields(ctx, forms.resolve ?? emptyForm(), { name: 'solution', label: t('agent:ticket.solution'), area: true })}
<div class="actions"><button class="button primary" type="submit">${t('agent:incidents.resolveSubmit')}</button></div></form></details></section>`
    : ''
}
<section class="card" aria-labelledby="inc-tickets"><h2 id="inc-tickets">${t('agent:incidents.linkedTickets')}</h2>
${
  d.tickets.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('agent:incidents.reference')}</th><th>${t('agent:ticket.title')}</th><th>${t('agent:ticket.requester')}</th><th>${t('agent:queue.status')}</th></tr></thead><tbody>
${d.tickets.map((tk) => html`<tr><td><a href="/agent/tickets/${tk.id}">${formatReference(s.config.TICKET_PREFIX, tk.id)}</a></td><td>${tk.title}</td><td>${tk.requester_name}${tk.company_name ? html` <small>(${tk.company_name})</small>` : ''}</td><td>${t(`status.${tk.status}`)}</td></tr>`)}
</tbody></table></div><p><a href="/agent?incidents=${id}&amp;status=all">${t('agent:incidents.inQueue')}</a></p>`
    : html`<p class="empty">${t('agent:incidents.noTickets')}</p>`
}</section>
<section class="card" aria-labelledby="inc-timeline"><h2 id="inc-timeline">${t('agent:incidents.timeline')}</h2>
<ol class="timeline">${d.updates.map(
      (u) =>
        html`<li class="event"><div class="meta">${t(`agent:incidents.kind_${u.kind}`)} · ${u.public ? t('agent:incidents.publicShort') : t('agent:incidents.internalShort')} · ${u.author_name ?? t('agent:ticket.system')} · <time datetime="${u.created_at.toISOString()}">${dateTime(ctx, u.created_at)}</time>${u.estimated_end_at ? html` · ${t('agent:incidents.estimate')}: ${dateTime(ctx, u.estimated_end_at)}` : ''}</div><div class="body">${inLanguage(u.body, lang)}</div></li>`,
    )}</ol></section>`,
  });
}

export function mountIncidents(r: Router<WebState>): void {
  r.get('/agent/incidents', staffOnly, renderList);
  const renderNew = async (ctx: WebContext, f: FormState, status = 200) =>
    agentPage(ctx, {
      title: ctx.state.t('agent:incidents.declareTitle'),
      section: 'incidents',
      status,
      body: html`<h1>${ctx.state.t('agent:incidents.declareTitle')}</h1><section class="card">${await declareForm(ctx, f)}</section>`,
    });
  r.get('/agent/incidents/new', staffOnly, (ctx) => renderNew(ctx, emptyForm({ public: '1' })));
  r.post('/agent/incidents', staffOnly, (ctx) =>
    submit(
      ctx,
      DECLARE_FIELDS,
      async () => {
        const id = await declareIncident(ctx.state.s.app, staffActor(ctx), readDeclaration(ctx));
        redirect(ctx, `/agent/incidents/${id}`, 'agent:flash.incidentDeclared');
      },
      (f, st) => renderNew(ctx, f, st),
    ),
  );
  r.get('/agent/incidents/:id', staffOnly, (ctx) => renderDetail(ctx, paramsInput(ctx, idPath).id));
  r.post('/agent/incidents/:id/update', staffOnly, (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    return submit(
      ctx,
      ['bodyEs', 'bodyEn', 'bodyFr', 'estimatedEndAt', 'public'],
      async () => {
        const estimate = dateField(ctx, 'estimatedEndAt');
        await postIncidentUpdate(ctx.state.s.app, staffActor(ctx), id, {
          body: localizedField(ctx, 'body'),
          public: field(ctx, 'public') === '1',
          // An unchanged estimate is not a new one.
          ...(estimate && field(ctx, 'estimatedEndAt') !== (await currentEstimate(ctx, id))
            ? { estimatedEndAt: estimate }
            : {}),
        });
        redirect(ctx, `/agent/incidents/${id}`, 'agent:flash.incidentUpdated');
      },
      (f, st) => renderDetail(ctx, id, { update: f }, st),
    );
  });
  r.post('/agent/incidents/:id/resolve', staffOnly, (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    return submit(
      ctx,
      ['solutionEs', 'solutionEn', 'solutionFr'],
      async () => {
        await resolveIncident(ctx.state.s.app, staffActor(ctx), id, localizedField(ctx, 'solution'));
        // Committed: the tickets are resolved by the job (or by the sweep, if queueing fails now).
        await queueIncidentResolve(ctx.state.s, id).catch((err: unknown) =>
          ctx.state.s.logger.warn(
            { err, incidentId: id },
            'incident resolve job not queued; the sweep will do it',
          ),
        );
        redirect(ctx, `/agent/incidents/${id}`, 'agent:flash.incidentResolved');
      },
      (f, st) => renderDetail(ctx, id, { resolve: f }, st),
    );
  });
  r.post('/agent/tickets/:id/incident', staffOnly, async (ctx) => {
    const ticketId = paramsInput(ctx, idPath).id;
    const { incidentId } = formInput(ctx, LINK_FORM);
    if (incidentId) await linkTicketToIncident(ctx.state.s.app, staffActor(ctx), ticketId, incidentId);
    else await unlinkTicketFromIncident(ctx.state.s.app, staffActor(ctx), ticketId);
    redirect(
      ctx,
      `/agent/tickets/${ticketId}`,
      incidentId ? 'agent:flash.ticketLinked' : 'agent:flash.ticketUnlinked',
    );
  });
}

async function currentEstimate(ctx: WebContext, id: number): Promise<string> {
  const i = await incidentHead(ctx.state.s.db, id);
  return i?.estimated_end_at ? dateTimeInputValue(i.estimated_end_at, timeZoneOf(ctx)) : '';
}
