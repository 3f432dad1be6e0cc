import type { AgentTicketView, TimelineEvent, TimelineFollowup } from '../../app/queries/agent-ticket.js';
import { type RenderedCanned, usableCannedAnswers } from '../../app/queries/canned-answers.js';
import { type TicketSatisfaction, ticketSatisfaction } from '../../app/queries/satisfaction.js';
import { canTransition, type TicketStatus } from '../../domain/ticket-status.js';
import type { WebContext } from '../context.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  fileField,
  selectField,
  textArea,
  textField,
} from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { icon } from '../icons.js';
import { csrfField, csrfQuery } from '../layout.js';
import { linkedTicketsSection } from '../linked-tickets.js';
import type { Translate } from '../translate.js';
import { type AnswerThen, cannedAnswerSection, THEN_OF } from './canned-picker.js';
import { bytes, ref, when } from './format.js';
import { incidentCard } from './incident-card.js';
import { agentPage } from './page.js';
import { slaEventText, slaSection } from './sla-format.js';

export const TICKET_ACTIONS = [
  'reply',
  'note',
  'ask',
  'assign',
  'classify',
  'solve',
  'close',
  'reopen',
  'merge',
  /** The answer box of canned answers: sent as reply, ask or solve. */
  'answer',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Form states by action, for re-rendering one form with what was typed and its errors. */
export type ActionForms = Partial<Record<TicketAction, FormState>>;

function fileList(ticketId: number, files: AgentTicketView['attachments']): SafeHtml | '' {
  if (!files.length) return '';
  return html`<ul class="files">${files.map(
    (f) =>
      html`<li><a href="/agent/tickets/${ticketId}/attachments/${f.id}">${icon('paperclip')} ${f.filename} <span class="size">${bytes(f.size)}</span></a></li>`,
  )}</ul>`;
}

function followupItem(ctx: WebContext, v: AgentTicketView, f: TimelineFollowup): SafeHtml {
  const { t } = ctx.state;
  const staff = f.authorRole === 'agent' || f.authorRole === 'admin';
  const cls = [f.visibility === 'private' ? 'private' : '', staff ? 'from-support' : '']
    .filter(Boolean)
    .join(' ');
  return html`<li class="${cls}" id="f${f.id}" data-followup-kind="${f.followupKind}">
  <div class="meta">${f.visibility === 'private' ? html`<span class="private-label">${t('agent:ticket.privateNote')}</span>` : ''}<span class="kind">${t(`agent:followupKind.${f.followupKind}`)}</span> · <strong>${f.authorName ?? t('agent:ticket.system')}</strong>${f.source === 'email' ? html` · ${t('agent:ticket.byEmail')}` : ''} · <time datetime="${new Date(f.at).toISOString()}">${when(ctx, f.at)}</time></div>
  <div class="body">${multiline(f.body)}${fileList(v.ticket.id, f.attachments)}</div>
</li>`;
}

function eventItem(ctx: WebContext, e: TimelineEvent): SafeHtml {
  const { t } = ctx.state;
  const st = (s: TicketStatus | null) => (s ? t(`status.${s}`) : '');
  const other = (k: string) => ref(ctx, Number(e.data[k]));
  let text: string =
    e.event === 'merged'
      ? t('agent:event.mergedInto', { ref: other('into') })
      : e.event === 'mentioned'
        ? t('agent:event.mentionedIn', { ref: other('ticketId') })
        : e.event === 'linked' && e.data.kind === 'merged_from'
          ? t('agent:event.mergedFrom', { ref: other('ticketId') })
          : t(`agent:event.${e.event}`, { defaultValue: e.event });
  if (e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus)
    text += ` (${st(e.fromStatus)} → ${st(e.toStatus)})`;
  if (e.event === 'updated' && e.data.changes && typeof e.data.changes === 'object')
    text += `: ${Object.keys(e.data.changes)
      .map((k) => t(`agent:field.${k}`, { defaultValue: k }))
      .join(', ')}`;
  text += routingNote(t, e);
  if (e.data.reason === 'auto_close') text += ` — ${t('agent:event.autoClose')}`;
  const sla = slaEventText(ctx, e);
  if (e.event === 'sla_warning' || e.event === 'sla_breach') text = sla;
  else if (sla) text += ` — ${sla}`;
  if (typeof e.data.majorIncidentId === 'number')
    text += ` — ${t('agent:event.majorIncident', { id: e.data.majorIncidentId })}`;
  if (e.data.acknowledged === true) text += ` — ${t('agent:event.outageAcknowledged')}`;
  if (e.event === 'bounced')
    text = t('agent:event.bouncedOn', { email: e.data.email, reason: e.data.reason });
  if (e.event === 'survey_offered') text = t('survey:agentOffered');
  if (e.event === 'satisfaction')
    text = t(e.data.changed ? 'survey:agentChanged' : 'survey:agentAnswered', { score: e.data.score });
  const auto = e.data.autoClassified;
  if (auto === 'default') text += ` — ${t('agent:event.autoClassifiedDefault')}`;
  else if (auto && typeof auto === 'object' && 'keyword' in auto)
    text += ` — ${t('agent:event.autoClassified', { keyword: String(auto.keyword) })}`;
  if (typeof e.data.receivedAt === 'string')
    text += ` — ${t('mailboxes:receivedAt', { address: e.data.receivedAt })}`;
  return html`<li class="event"><div class="meta">${text} · ${e.actorName ?? t('agent:ticket.system')} · <time datetime="${new Date(e.at).toISOString()}">${when(ctx, e.at)}</time></div></li>`;
}

const named = (v: unknown, none: string) => (typeof v === 'string' && v ? v : none);

/** What a team change or a routing rule did, in words ("Equipo: Técnico → Facturación"). */
function routingNote(t: Translate, e: TimelineEvent): string {
  const names = e.data.teamNames;
  if (e.event === 'updated' && Array.isArray(names))
    return ` — ${t('agent:teams.changed', {
      from: named(names[0], t('agent:teams.none')),
      to: named(names[1], t('agent:teams.none')),
    })}`;
  const routed = e.data.routed;
  if (e.event === 'created' && routed && typeof routed === 'object' && 'ruleName' in routed) {
    const r = routed as Record<string, unknown>;
    const parts = [
      r.teamName ? t('agent:routing.toTeam', { team: String(r.teamName) }) : '',
      r.assigneeName ? t('agent:routing.toAgent', { agent: String(r.assigneeName) }) : '',
      r.urgency ? t('agent:routing.toUrgency', { urgency: t(`urgency.${String(r.urgency)}`) }) : '',
    ].filter(Boolean);
    return ` — ${t('agent:routing.routedBy', { rule: String(r.ruleName) })}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  }
  if (e.event === 'assigned' && typeof e.data.ruleName === 'string')
    return ` — ${t('agent:routing.assignedBy', { rule: e.data.ruleName })}`;
  return '';
}

/** The customer's survey answer, on a closed ticket (or one reopened after an answer). */
function satisfactionCard(
  ctx: WebContext,
  status: TicketStatus,
  a: TicketSatisfaction | null,
): SafeHtml | '' {
  const { t } = ctx.state;
  if (!a && status !== 'closed') return '';
  return html`<section class="card satisfaction" aria-labelledby="satisfaction-title"><h2 id="satisfaction-title">${t('survey:agentTitle')}</h2>
${
  a
    ? html`<p><strong class="score score-${a.score}">${t('survey:agentScore', { score: a.score })}</strong> · <time datetime="${a.updated_at.toISOString()}">${when(ctx, a.updated_at)}</time></p>${a.comment ? html`<blockquote class="body">${multiline(a.comment)}</blockquote>` : ''}`
    : html`<p class="empty">${t('survey:agentNone')}</p>`
}</section>`;
}

export async function renderAgentTicket(
  ctx: WebContext,
  v: AgentTicketView,
  forms: ActionForms = {},
  status = 200,
  /** The history page shown: events before this id (null: the newest). */
  before: number | null = null,
  /** A canned answer chosen on the page (`?canned=ID`), rendered for this ticket. */
  picked: RenderedCanned | null = null,
): Promise<void> {
  const { t, s, actor, user } = ctx.state;
  const tk = v.ticket;
  const { catalog } = s.config;
  const max = catalog.maxAttachmentBytes;
  const csrf = await csrfField(ctx);
  const uploadCsrf = await csrfQuery(ctx);
  const can = (a: Parameters<typeof canTransition>[0]) =>
    actor ? canTransition(a, tk.status, actor, { hasAssignee: tk.assignee_id != null }) : false;
  const open = tk.status !== 'closed';
  const f = (a: TicketAction) => forms[a] ?? emptyForm();
  const isOpen = (a: TicketAction) => (forms[a] ? html` open` : '');
  const post = (a: TicketAction) => `/agent/tickets/${tk.id}/${a}`;

  const textForm = (
    a: 'reply' | 'note' | 'ask' | 'solve',
    label: string,
    withFile: boolean,
    extraClass = '',
  ) =>
    html`<details class="${extraClass}"${isOpen(a)}><summary>${label}</summary>
<form method="post" action="${post(a)}?${uploadCsrf}" enctype="multipart/form-data" novalidate>
${errorSummary(t, f(a))}
${textArea(t, f(a), { name: 'body', label: t(`agent:actions.${a}Label`), required: true, rows: 5 })}
${
  withFile
    ? fileField(t, f(a), {
        name: 'attachment',
        label: t('agent:actions.attachment'),
        maxBytes: max,
        tooLarge: t('validation.attachmentTooLarge', { limit: bytes(max) }),
      })
    : ''
}
<div class="actions"><button class="button primary" type="submit">${t(`agent:actions.${a}Submit`)}</button></div>
</form></details>`;

  const quick = html`<div class="quick-actions">
${
  can('assign') && tk.assignee_id !== user?.id
    ? html`<form method="post" action="${post('assign')}">${csrf}<button class="button primary" type="submit">${t('agent:actions.take')}</button></form>`
    : ''
}
${can('close') ? html`<form method="post" action="${post('close')}">${csrf}<button class="button danger" type="submit">${t('agent:actions.close')}</button></form>` : ''}
</div>`;

  const assignForm = can('assign')
    ? html`<details${isOpen('assign')}><summary>${t('agent:actions.assign')}</summary>
<form method="post" action="${post('assign')}">${csrf}${errorSummary(t, f('assign'))}
${selectField(t, forms.assign ?? emptyForm({ assigneeId: String(tk.assignee_id ?? '') }), {
  name: 'assigneeId',
  label: t('agent:ticket.assignee'),
  options: v.agents.map((a) => ({ value: String(a.id), label: a.name })),
})}
<div class="actions"><button class="button primary" type="submit">${t('agent:actions.assignSubmit')}</button></div></form></details>`
    : '';

  const classifyValues = forms.classify ?? {
    ...emptyForm({
      type: tk.type,
      category: tk.category,
      urgency: tk.urgency ?? '',
      serviceId: String(tk.service_id ?? ''),
      teamId: String(tk.team_id ?? ''),
    }),
  };
  // A team deactivated since stays selectable on its own tickets, so that saving leaves it as it is.
  const teamChoices = v.team && !v.teams.some((x) => x.id === v.team?.id) ? [v.team, ...v.teams] : v.teams;
  const allUrgencies = [...new Set(Object.values(catalog.types).flatMap((x) => x.urgencies))];
  const classifyForm = open
    ? html`<details${isOpen('classify')}><summary>${t('agent:actions.classify')}</summary>
<form method="post" action="${post('classify')}">${csrf}${errorSummary(t, classifyValues)}
${selectField(t, classifyValues, {
  name: 'type',
  label: t('agent:ticket.type'),
  options: Object.keys(catalog.types).map((x) => ({ value: x, label: t(`type.${x}`) })),
})}
${selectField(t, classifyValues, {
  name: 'category',
  label: t('agent:ticket.category'),
  options: Object.entries(catalog.types).flatMap(([type, def]) =>
    def.categories.map((c) => ({ value: c, label: `${t(`type.${type}`)} — ${t(`category.${c}`)}` })),
  ),
})}
${selectField(t, classifyValues, {
  name: 'urgency',
  label: t('agent:ticket.urgency'),
  hint: t('agent:actions.urgencyHint'),
  placeholder: '—',
  options: allUrgencies.map((u) => ({ value: u, label: t(`urgency.${u}`) })),
})}
${selectField(t, classifyValues, {
  name: 'serviceId',
  label: t('agent:ticket.service'),
  placeholder: '—',
  options: v.services.map((sv) => ({
    value: String(sv.id),
    label: sv.circuit_id ? `${sv.name} (${sv.circuit_id})` : sv.name,
  })),
})}
${selectField(t, classifyValues, {
  name: 'teamId',
  label: t('agent:teams.team'),
  placeholder: t('agent:teams.none'),
  options: teamChoices.map((x) => ({ value: String(x.id), label: x.name })),
})}
<div class="actions"><button class="button primary" type="submit">${t('agent:actions.classifySubmit')}</button></div></form></details>`
    : '';

  const reopenForm = can('reopen')
    ? html`<details${isOpen('reopen')}><summary>${t('agent:actions.reopen')}</summary>
<form method="post" action="${post('reopen')}">${csrf}${errorSummary(t, f('reopen'))}
${textArea(t, f('reopen'), { name: 'body', label: t('agent:actions.reopenLabel'), rows: 3 })}
<div class="actions"><button class="button primary" type="submit">${t('agent:actions.reopenSubmit')}</button></div></form></details>`
    : '';

  const mergeForm =
    open && can('close')
      ? html`<details${isOpen('merge')}><summary>${t('agent:actions.merge')}</summary>
<form method="post" action="${post('merge')}">${csrf}${errorSummary(t, f('merge'))}
${textField(t, f('merge'), {
  name: 'target',
  label: t('agent:actions.mergeLabel'),
  hint: t('agent:actions.mergeHint', { example: `${s.config.TICKET_PREFIX}-000123` }),
  required: true,
  maxlength: 40,
})}
<div class="actions"><button class="button danger" type="submit">${t('agent:actions.mergeSubmit')}</button></div></form></details>`
      : '';
  const allowed: AnswerThen[] = [
    'reply',
    ...(can('set_pending') ? ['ask' as const] : []),
    ...(can('resolve') ? ['solve' as const] : []),
  ];
  const answerForm = open
    ? cannedAnswerSection(ctx, {
        ticketId: tk.id,
        requesterLanguage: v.requester.language,
        answers: user ? await usableCannedAnswers(s.db, user.id, { activeOnly: true }) : [],
        allowed,
        form:
          forms.answer ??
          emptyForm(
            picked ? { body: picked.text, sendAs: THEN_OF[picked.answer.action] } : { sendAs: 'reply' },
          ),
        open: Boolean(forms.answer || picked),
        picked,
        uploadCsrf,
        maxBytes: max,
        tooLarge: t('validation.attachmentTooLarge', { limit: bytes(max) }),
      })
    : '';

  const actions = html`<section class="action-forms" aria-label="${t('agent:actions.title')}">
${forms.close ? errorSummary(t, forms.close) : ''}
${answerForm}
${open ? textForm('reply', t('agent:actions.reply'), true) : ''}
${open ? textForm('note', t('agent:actions.note'), true, 'note-form') : ''}
${can('set_pending') ? textForm('ask', t('agent:actions.ask'), true) : ''}
${can('resolve') ? textForm('solve', t('agent:actions.solve'), false) : ''}
${assignForm}${classifyForm}${mergeForm}${reopenForm}
</section>`;

  const satisfaction = await ticketSatisfaction(s.db, tk.id);
  const side = html`<aside class="side">
${slaSection(ctx, tk, v.slaPolicy, new Date())}
${satisfactionCard(ctx, tk.status, satisfaction)}
<section class="card"><h2>${t('agent:ticket.customer')}</h2><dl>
  <dt>${t('agent:ticket.requester')}</dt><dd><a href="/agent?requester=${v.requester.id}&amp;status=all">${v.requester.name}</a>${v.requester.active ? '' : html` <em>(${t('agent:accounts.inactive')})</em>`}</dd>
  <dt>${t('agent:accounts.email')}</dt><dd><a href="mailto:${v.requester.email}">${v.requester.email}</a>${
    v.requester.bounced_at
      ? html` <strong class="private-label"><a href="/agent/users/${v.requester.id}">${t('agent:accounts.bouncedShort')}</a></strong>`
      : ''
  }</dd>
  ${v.requester.phone ? html`<dt>${t('agent:accounts.phone')}</dt><dd><a href="tel:${v.requester.phone}">${v.requester.phone}</a></dd>` : ''}
  ${v.company ? html`<dt>${t('agent:accounts.company')}</dt><dd><a href="/agent/customers/${v.company.id}">${v.company.name}</a>${v.company.code ? ` (${v.company.code})` : ''}</dd>` : ''}
  <dt>${t('agent:accounts.services')}</dt><dd>${
    v.services.length
      ? html`<ul>${v.services.map(
          (sv) =>
            html`<li class="${sv.active ? '' : 'inactive'}">${sv.id === tk.service_id ? html`<strong>${sv.name}</strong>` : sv.name}${sv.circuit_id ? html` <small>${sv.circuit_id}</small>` : ''}${sv.address ? html`<br><small>${sv.address}</small>` : ''}</li>`,
        )}</ul>`
      : '—'
  }</dd>
</dl></section>
${await incidentCard(ctx, tk)}
</aside>`;

  const head = html`<div class="card ticket-head">
<p class="ticket-ref">${ref(ctx, tk.id)}</p>
<h1>${tk.title}</h1>
<span class="badge status-${tk.status}">${t(`status.${tk.status}`)}</span>
<dl class="facts">
  <div><dt>${t('agent:ticket.type')}</dt><dd>${t(`type.${tk.type}`)}</dd></div>
  <div><dt>${t('agent:ticket.category')}</dt><dd>${t(`category.${tk.category}`)}</dd></div>
  <div><dt>${t('agent:ticket.urgency')}</dt><dd>${tk.urgency ? t(`urgency.${tk.urgency}`) : '—'}</dd></div>
  <div><dt>${t('agent:ticket.priority')}</dt><dd><span class="prio prio-${tk.priority}">P${tk.priority}</span></dd></div>
  <div><dt>${t('agent:teams.team')}</dt><dd>${v.team?.name ?? t('agent:teams.none')}</dd></div>
  <div><dt>${t('agent:ticket.assignee')}</dt><dd>${v.assignee?.name ?? t('agent:queue.unassigned')}</dd></div>
  <div><dt>${t('agent:ticket.created')}</dt><dd>${when(ctx, tk.created_at)}</dd></div>
  <div><dt>${t('agent:ticket.source')}</dt><dd>${t(`agent:ticket.source_${tk.source}`)}</dd></div>
</dl>
${quick}
<h2>${t('agent:ticket.description')}</h2>
<div class="body">${multiline(tk.description)}</div>
${fileList(tk.id, v.attachments)}
${tk.solution ? html`<div class="solution card"><h2>${t('agent:ticket.solution')}</h2><div class="solution-text">${multiline(tk.solution)}</div></div>` : ''}
</div>`;

  const timeline = html`<section aria-labelledby="tl-title" id="timeline"><h2 id="tl-title">${t('agent:ticket.timeline')}</h2>
${v.earlier !== null ? html`<p class="timeline-more"><a href="/agent/tickets/${tk.id}?before=${v.earlier}#timeline">${t('agent:ticket.showEarlier')}</a></p>` : ''}
${
  v.timeline.length
    ? html`<ol class="timeline">${v.timeline.map((e) => (e.kind === 'followup' ? followupItem(ctx, v, e) : eventItem(ctx, e)))}</ol>`
    : html`<p class="empty">${t('agent:ticket.noFollowups')}</p>`
}
${before !== null ? html`<p class="timeline-more"><a href="/agent/tickets/${tk.id}#timeline">${t('agent:ticket.showLatest')}</a></p>` : ''}</section>`;

  await agentPage(ctx, {
    title: `${ref(ctx, tk.id)} ${tk.title}`,
    section: 'queue',
    status,
    body: html`<p><a href="/agent">← ${t('agent:queue.title')}</a></p>
<div class="ticket-layout"><div>${head}${linkedTicketsSection(ctx, v.links, (id) => `/agent/tickets/${id}`)}${timeline}${actions}</div>${side}</div>`,
  });
}
