import { escapeHtml } from '../infra/escape-html.js';
import { formatBytes } from './format.js';
import { LABEL_STYLE, VALUE_STYLE } from './html.js';
import type { AttachedFile } from './outbox-load.js';
import type { Strings } from './strings.js';
import type { TemplateName } from './templates.js';

/** What the words of a ticket mail depend on: the event as this recipient sees it. */
export interface TicketFacts {
  template: TemplateName;
  /** The ticket type (incident, request...): an incident is never called a request. */
  type: string;
  ref: string;
  /** The closed ticket a reply to which opened this one (ticket-created). */
  followsRef?: string;
  /** The duplicate merged into this one (ticket-merged). */
  mergedRef?: string;
  title: string;
  actorName: string;
  requesterName: string;
  /** The recipient did it themselves: the mail is their copy or confirmation. */
  own: boolean;
  /** The recipient is the customer (not staff). */
  customer: boolean;
  isPrivate: boolean;
  hasBody: boolean;
  /** Translated statuses before and after the event. */
  fromStatus: string;
  toStatus: string;
}

/** The wording of the catalog type (`<key>_incident`) when it has one, else the neutral `fallback`. */
function typed(tr: Strings, key: string, type: string, fallback: string, values: Record<string, unknown>) {
  const own = `${key}_${type}`;
  const s = tr(own, values);
  return s === own ? tr(fallback, values) : s;
}

const SUBJECT_TITLE_MAX = 60;
/** A long title cut at a word, so the inbox still shows what the mail is about. */
function shortTitle(title: string): string {
  if (title.length <= SUBJECT_TITLE_MAX) return title;
  const cut = title.slice(0, SUBJECT_TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUBJECT_TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** What happened, for the subject line. */
function subjectLabel(tr: Strings, f: TicketFacts): string {
  const k = (key: string, values: Record<string, unknown> = {}) => tr(`mail:subject.${key}`, values);
  switch (f.template) {
    case 'ticket-created':
      return typed(tr, 'mail:subject.created', f.type, 'mail:subject.created', {});
    case 'ticket-new':
      return typed(tr, 'mail:subject.new', f.type, 'mail:subject.new', {});
    case 'ticket-followup':
      return k(f.isPrivate ? 'note' : 'followup');
    case 'ticket-pending':
      return k('pending');
    case 'ticket-status':
      return k('status', { status: f.toStatus });
    case 'ticket-assigned':
      return k('assigned');
    case 'ticket-resolved':
      return k('resolved');
    case 'ticket-approved':
      return k(f.customer ? 'closed' : 'approved');
    case 'ticket-refused':
      return k(f.customer ? 'reopened' : 'refused');
    case 'ticket-closed':
      return k('closed');
    case 'ticket-reopened':
      return k('reopened');
    case 'ticket-awaiting-decision':
      return k('awaitingDecision');
    case 'ticket-merged':
      return k('merged');
    case 'ticket-created-outage':
      return k('createdOutage');
    case 'ticket-outage-update':
      return k('outageUpdate');
    case 'ticket-survey':
      return k('survey');
    default:
      return '';
  }
}

/** `[IZL-000003] Solución propuesta: Velocidad muy baja…`: the reference first, for threading and search. */
export function ticketSubject(tr: Strings, f: TicketFacts): string {
  const title = shortTitle(f.title);
  const label = subjectLabel(tr, f);
  return `[${f.ref}] ${label ? tr('mail:subjectFormat', { label, title }) : title}`;
}

/** The opening sentence of a ticket mail. */
export function ticketIntro(tr: Strings, f: TicketFacts): string {
  const v = { name: f.actorName, ref: f.ref, from: f.fromStatus, to: f.toStatus };
  const m = (key: string) => tr(`mail:${key}`, v);
  switch (f.template) {
    case 'ticket-created':
      if (f.followsRef) return tr('mail:createdFollows.intro', { old: f.followsRef, ref: f.ref });
      return typed(tr, 'mail:typed.created', f.type, 'mail:created.intro', v);
    case 'ticket-created-outage':
      return m('outage.createdIntro');
    case 'ticket-outage-update':
      return m('outage.updateIntro');
    case 'ticket-new':
      return typed(tr, 'mail:typed.new', f.type, 'mail:new.intro', { ...v, name: f.requesterName });
    case 'ticket-followup':
      if (f.isPrivate) return m('followup.privateIntro');
      if (f.own) return m(f.hasBody ? 'own.followup' : 'own.followupFiles');
      return m(f.hasBody ? 'followup.intro' : 'filesIntro');
    case 'ticket-pending':
      return m('pending.intro');
    case 'ticket-status':
      return m('status.intro');
    case 'ticket-assigned':
      return `${m('assigned.intro')}${f.actorName ? ` ${m('assigned.by')}` : ''}`;
    case 'ticket-resolved':
      return m('resolved.intro');
    case 'ticket-approved':
      return m(f.own ? 'own.approved' : 'approved.intro');
    case 'ticket-refused':
      return m(f.own ? 'own.refused' : 'refused.intro');
    case 'ticket-closed':
      return `${m('closed.intro')} ${m('closed.outro')}`;
    case 'ticket-reopened':
      return m(f.own ? 'own.reopened' : 'reopened.intro');
    case 'ticket-merged':
      return tr('mail:merged.intro', { old: f.mergedRef ?? '', ref: f.ref });
    case 'ticket-survey':
      return m('survey.intro');
    default:
      return '';
  }
}

/** The files of an operation, named with their size; empty when there are none. */
export function filesList(
  tr: Strings,
  files: readonly AttachedFile[],
  labelled = true,
): { files_html: string; files_text: string } {
  if (!files.length) return { files_html: '', files_text: '' };
  const lines = files.map((f) => `${f.name} (${formatBytes(f.size)})`);
  const label = labelled ? tr('mail:files', { count: files.length }) : '';
  return {
    files_html: `${label ? `<strong>${escapeHtml(label)}</strong>` : ''}<ul style="margin:4px 0 0;padding-left:20px">${lines
      .map((l) => `<li>${escapeHtml(l)}</li>`)
      .join('')}</ul>`,
    files_text: `${label ? `${label}\n` : ''}${lines.map((l) => `- ${l}`).join('\n')}`,
  };
}

/** The ticket's key facts as a two-column table (HTML) and lines (text). */
export function summary(
  tr: Strings,
  rows: [string, string][],
): { summary_html: string; summary_text: string } {
  const shown = rows.filter(([, v]) => v);
  return {
    summary_html: `<table role="presentation">${shown
      .map(
        ([k, v]) =>
          `<tr><td style="${LABEL_STYLE}">${escapeHtml(tr(`mail:summary.${k}`))}</td><td style="${VALUE_STYLE}"><strong>${escapeHtml(v)}</strong></td></tr>`,
      )
      .join('')}</table>`,
    summary_text: shown
      .map(([k, v]) => tr('mail:labelValue', { label: tr(`mail:summary.${k}`), value: v }))
      .join('\n'),
  };
}

/** Subject label and opening sentence of an SLA warning or escalation. */
export function slaWording(
  tr: Strings,
  f: { template: 'sla-warning' | 'sla-breach'; clock: string; ref: string; title: string; when: string },
): { subject: string; intro: string } {
  const clock = tr(`mail:sla.clock_${f.clock}`);
  const warning = f.template === 'sla-warning';
  const label = tr(warning ? 'mail:sla.warningSubject' : 'mail:sla.breachSubject', { clock });
  return {
    subject: `[${f.ref}] ${tr('mail:subjectFormat', { label, title: shortTitle(f.title) })}`,
    intro: tr(warning ? 'mail:sla.warningIntro' : 'mail:sla.breachIntro', {
      clock,
      ref: f.ref,
      when: f.when,
    }),
  };
}
