import { ticketOutage } from '../../app/queries/incidents.js';
import { ticketSatisfaction } from '../../app/queries/satisfaction.js';
import { linkedTickets } from '../../app/queries/ticket-links.js';
import type { CustomerTicket, TimelineEntry, TimelineFile } from '../../app/queries/ticket-timeline.js';
import { ticketTimeline } from '../../app/queries/ticket-timeline.js';
import { formatBytes } from '../../domain/catalog.js';
import { inLanguage } from '../../domain/incident-scope.js';
import { formatDue } from '../../domain/sla-state.js';
import { acceptsFollowups } from '../../domain/ticket-status.js';
import type { WebContext } from '../context.js';
import { emptyForm, errorSummary, type FormState, fileField, textArea } from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { icon } from '../icons.js';
import { csrfField, csrfQuery, renderPage } from '../layout.js';
import { linkedTicketsSection } from '../linked-tickets.js';
import { dateTime, reference, size, statusBadge } from './format.js';
import { surveySection, surveyValues } from './survey-form.js';
import { viewerOf } from './ticket-list-routes.js';

export interface TicketPageForms {
  tab?: 'history' | 'followup';
  followup?: FormState;
  approval?: FormState;
  /** The satisfaction survey of a closed ticket, as typed (after an error). */
  survey?: FormState;
  status?: number;
  /** The history page: events before this id (the newest page when absent). */
  before?: number | null;
}

function files(ticketId: number, list: TimelineFile[]): SafeHtml | '' {
  if (list.length === 0) return '';
  return html`<ul class="files">${list.map(
    (f) =>
      html`<li><a href="/tickets/${ticketId}/attachments/${f.id}" download>${icon('paperclip')} ${f.filename} <span class="size">(${size(f.size)})</span></a></li>`,
  )}</ul>`;
}

function entryLabel(ctx: WebContext, e: TimelineEntry): string {
  const { t } = ctx.state;
  if (e.followup_kind === 'info_request') return t('portal:ticket.event.info_request');
  return t(`portal:ticket.event.${e.kind}`, { defaultValue: e.kind });
}

function timelineItem(
  ctx: WebContext,
  ticket: CustomerTicket,
  e: TimelineEntry,
  ticketFiles: TimelineFile[],
) {
  const { t } = ctx.state;
  const fromSupport = e.actor_role !== null && e.actor_role !== 'customer';
  const author = e.actor_name
    ? fromSupport
      ? `${e.actor_name} · ${t('portal:ticket.support')}`
      : e.actor_name
    : t('portal:ticket.system');
  const statusChange =
    e.from_status && e.to_status && e.from_status !== e.to_status
      ? html` · ${statusBadge(ctx, e.from_status)} → ${statusBadge(ctx, e.to_status)}`
      : '';
  const body = e.kind === 'created' ? ticket.description : e.body;
  const attached = e.kind === 'created' ? ticketFiles : e.files;
  return html`<li class="${fromSupport ? 'from-support' : 'from-customer'}">
  <div class="meta"><strong>${entryLabel(ctx, e)}</strong> · ${author}${e.source === 'email' ? html` (${t('portal:ticket.byEmail')})` : ''} · <time datetime="${new Date(e.created_at).toISOString()}">${dateTime(ctx, e.created_at)}</time>${statusChange}</div>
  ${body ? html`<div class="body">${multiline(body)}${files(ticket.id, attached)}</div>` : attached.length ? files(ticket.id, attached) : ''}
</li>`;
}

async function approvalSection(
  ctx: WebContext,
  ticket: CustomerTicket,
  f: FormState,
): Promise<SafeHtml | ''> {
  if (ticket.status !== 'resolved') return '';
  const { t } = ctx.state;
  return html`<section class="card solution" aria-labelledby="solution-title">
  <h2 id="solution-title">${t('portal:ticket.solutionTitle')}</h2>
  <p>${t('portal:ticket.solutionIntro')}</p>
  <div class="solution-text">${multiline(ticket.solution ?? '')}</div>
  ${errorSummary(t, f)}
  <div class="approval-forms">
    <form method="post" action="/tickets/${ticket.id}/approve" novalidate>
      ${await csrfField(ctx)}
      ${textArea(t, { values: {}, errors: {} }, { name: 'approve_comment', label: t('portal:ticket.approveComment'), rows: 3 })}
      <button class="button primary" type="submit">${t('portal:ticket.approve')}</button>
    </form>
    <form method="post" action="/tickets/${ticket.id}/refuse" novalidate>
      ${await csrfField(ctx)}
      ${textArea(t, f, { name: 'comment', label: t('portal:ticket.refuseComment'), rows: 3, required: true })}
      <button class="button danger" type="submit">${t('portal:ticket.refuse')}</button>
    </form>
  </div>
</section>`;
}

/** From a closed ticket, the way to open a related one (the links themselves are in the linked-tickets box). */
function openRelatedSection(ctx: WebContext, ticket: CustomerTicket): SafeHtml | '' {
  const { t } = ctx.state;
  if (ticket.status !== 'closed') return '';
  return html`<section class="card related" aria-labelledby="related-title">
  <h2 id="related-title">${icon('link')} ${t('portal:ticket.openRelated')}</h2>
  <p class="lead">${t('portal:ticket.openRelatedIntro')}</p><p><a class="button primary" href="/tickets/new?related=${ticket.id}">${t('portal:ticket.openRelated')}</a></p>
</section>`;
}

/** The promise of an answer, while support has not answered yet and the due instant is ahead. */
function answerBy(ctx: WebContext, ticket: CustomerTicket): SafeHtml | '' {
  const due = ticket.first_answer_due_at;
  if (!due || ticket.first_answered_at || ticket.sla_paused_at || due.getTime() <= Date.now()) return '';
  if (ticket.major_incident_id !== null) return '';
  const tz = ctx.state.user?.time_zone ?? ctx.state.s.config.DEFAULT_TIME_ZONE;
  return html`<p class="notice info answer-by"><time datetime="${due.toISOString()}">${ctx.state.t('portal:ticket.answerBy', { when: formatDue(ctx.state.lang, tz, due) })}</time></p>`;
}

/**
 * A ticket waiting for a known public outage: the outage, its estimate (what the customer can expect, instead
 * of a due time) and its latest public news, in her language.
 */
async function outageNotice(ctx: WebContext, ticket: CustomerTicket): Promise<SafeHtml | ''> {
  const { t, lang, s } = ctx.state;
  const o = await ticketOutage(s.db, ticket.major_incident_id);
  if (!o) return '';
  return html`<section class="notice outage" role="status" aria-labelledby="ticket-outage">
<p id="ticket-outage"><strong>${t('portal:outage.linked', { title: inLanguage(o.title, lang) })}</strong>${o.estimatedEndAt ? html` ${t('portal:outage.estimate', { when: dateTime(ctx, o.estimatedEndAt) })}` : ''}</p>
<p><strong>${t('portal:outage.latest')}</strong> · <time datetime="${o.latest.at.toISOString()}">${dateTime(ctx, o.latest.at)}</time></p>
<div class="body">${multiline(inLanguage(o.latest.body, lang))}</div>
<p class="hint">${t('portal:outage.linkedHint')}</p>
</section>`;
}

/** A closed ticket's survey, for its requester (answered here or from the closing mail's link). */
async function portalSurvey(ctx: WebContext, ticket: CustomerTicket, f?: FormState): Promise<SafeHtml | ''> {
  if (ticket.status !== 'closed' || ctx.state.user?.id !== ticket.requester_id) return '';
  const answer = await ticketSatisfaction(ctx.state.s.db, ticket.id);
  return surveySection(ctx, {
    action: `/tickets/${ticket.id}/survey`,
    answer,
    form: f ?? emptyForm(surveyValues(answer)),
  });
}

/** The ticket page: header, solution to approve, related tickets, and the History / Follow-up tabs. */
export async function renderTicketPage(
  ctx: WebContext,
  ticket: CustomerTicket,
  o: TicketPageForms = {},
): Promise<void> {
  const { t, s } = ctx.state;
  const tab = o.tab ?? 'history';
  const ref = reference(ctx, ticket.id);
  const limit = formatBytes(s.config.catalog.maxAttachmentBytes);
  const ff = o.followup ?? emptyForm();
  const none = t('portal:ticket.none');
  let content: SafeHtml;
  if (tab === 'followup') {
    content = acceptsFollowups(ticket.status)
      ? html`<section class="card" aria-labelledby="fu-title">
  <h2 id="fu-title">${t('portal:ticket.addFollowup')}</h2>
  ${errorSummary(t, ff)}
  <form method="post" action="/tickets/${ticket.id}/followups?${await csrfQuery(ctx)}" enctype="multipart/form-data" novalidate>
    ${textArea(t, ff, { name: 'body', label: t('portal:ticket.comment'), rows: 6 })}
    ${fileField(t, ff, {
      name: 'document',
      label: t('portal:ticket.document'),
      hint: t('portal:ticketForm.attachmentHint', { limit }),
      maxBytes: s.config.catalog.maxAttachmentBytes,
      tooLarge: t('validation.attachmentTooLarge', { limit }),
    })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:ticket.send')}</button></div>
  </form>
</section>`
      : html`${errorSummary(t, ff)}<p class="notice info">${t('portal:ticket.closedNoFollowup')}</p>`;
  } else {
    const before = o.before ?? null;
    const { entries, ticketFiles, earlier } = await ticketTimeline(s.db, ticket.id, before);
    content = html`${
      earlier !== null
        ? html`<p class="timeline-more"><a href="/tickets/${ticket.id}?before=${earlier}#timeline">${t('portal:ticket.showEarlier')}</a></p>`
        : ''
    }<ol class="timeline" id="timeline">${entries.map((e) => timelineItem(ctx, ticket, e, ticketFiles))}</ol>${
      before !== null
        ? html`<p class="timeline-more"><a href="/tickets/${ticket.id}#tabs">${t('portal:ticket.showLatest')}</a></p>`
        : ''
    }`;
  }
  const tabLink = (name: 'history' | 'followup', label: string) =>
    html`<a href="/tickets/${ticket.id}${name === 'followup' ? '?tab=followup' : ''}#tabs"${tab === name ? html` aria-current="page"` : ''}>${label}</a>`;
  await renderPage(ctx, {
    title: `${ref} · ${ticket.title}`,
    nav: '/tickets',
    status: o.status,
    body: html`<section class="card ticket-head">
  <p class="ticket-ref">${ref}</p>
  <h1>${ticket.title}</h1>
  <div>${statusBadge(ctx, ticket.status)} ${ticket.urgency === 'high' ? html`<span class="badge urgency-high">${t('urgency.high')}</span>` : ''}</div>
  <dl class="facts">
    <div><dt>${t('portal:ticket.type')}</dt><dd>${t(`type.${ticket.type}`)}</dd></div>
    <div><dt>${t('portal:ticket.category')}</dt><dd>${t(`category.${ticket.category}`)}</dd></div>
    <div><dt>${t('portal:ticket.service')}</dt><dd>${ticket.service_name ? `${ticket.service_name}${ticket.service_circuit ? ` (${ticket.service_circuit})` : ''}` : none}</dd></div>
    <div><dt>${t('portal:ticket.urgency')}</dt><dd>${ticket.urgency ? t(`urgency.${ticket.urgency}`) : none}</dd></div>
    <div><dt>${t('portal:ticket.requester')}</dt><dd>${ticket.requester_name}</dd></div>
    <div><dt>${t('portal:ticket.created')}</dt><dd>${dateTime(ctx, ticket.created_at)}</dd></div>
    <div><dt>${t('portal:ticket.handledBy')}</dt><dd>${ticket.assignee_name ? `${ticket.assignee_name} · ${t('portal:ticket.support')}` : t('portal:ticket.unassigned')}</dd></div>
    <div><dt>${t('portal:ticket.updated')}</dt><dd><time datetime="${new Date(ticket.updated_at).toISOString()}">${dateTime(ctx, ticket.updated_at)}</time></dd></div>
  </dl>
  ${answerBy(ctx, ticket)}
</section>
${await outageNotice(ctx, ticket)}
${linkedTicketsSection(ctx, await linkedTickets(s.db, ticket.id, viewerOf(ctx)), (id) => `/tickets/${id}`)}
${await approvalSection(ctx, ticket, o.approval ?? emptyForm())}
${await portalSurvey(ctx, ticket, o.survey)}
${openRelatedSection(ctx, ticket)}
<nav class="tabs" id="tabs" aria-label="${t('portal:ticket.tabs')}">
  ${tabLink('history', t('portal:ticket.timeline'))}
  ${tabLink('followup', t('portal:ticket.followup'))}
</nav>
${content}`,
  });
}
