import { approvalToken, surveyToken } from '../app/links.js';
import { formatReference } from '../domain/reference.js';
import { formatDue } from '../domain/sla-state.js';
import { digestBody, digestFollowupIds } from './followup-digest.js';
import { textToHtml } from './html.js';
import { outageData } from './outage-wording.js';
import { bracketed, type FamilyPlanner, person, str, ticketTeam } from './plan.js';
import { type Audience, audiencesOf, type Person, resolveRecipients } from './recipients.js';
import { surveyLinks } from './survey-links.js';
import type { TemplateName } from './templates.js';
import { filesList, summary, ticketIntro, ticketSubject } from './ticket-wording.js';

/** Mails whose text a person wrote to the recipient: no "automatic message" footer on those. */
const PERSONAL: ReadonlySet<TemplateName> = new Set(['ticket-followup', 'ticket-pending', 'ticket-resolved']);

/**
 * ticket.*: every operation on a ticket, to the requester and the staff concerned. Each mail tells the state
 * of its own event (the status in the outbox payload), not the ticket's state when it is sent.
 */
export const planTicketMails: FamilyPlanner = async (c) => {
  const { config, row, link } = c;
  const ticket = row.ticket;
  if (!ticket) return [];
  // A survey that waited: not if the ticket was reopened meanwhile, nor if the customer answered on the portal.
  if (
    row.event === 'ticket.survey' &&
    (ticket.status !== 'closed' || (await c.db('satisfaction').where({ ticket_id: ticket.id }).first('id')))
  )
    return [];
  const p = row.payload;
  const withSurvey = row.event === 'ticket.survey' || p.survey === true;
  const byId = new Map(row.people.map((u) => [u.id, u]));
  const actor = row.actor_id ? byId.get(row.actor_id) : undefined;
  const actorIsStaff = actor?.role === 'agent' || actor?.role === 'admin';
  const active = (id: number | null): Person[] => {
    const u = id !== null ? byId.get(id) : undefined;
    return u?.active ? [person(u)] : [];
  };
  const assignee = active(ticket.assignee_id);
  const facts = { payload: p, actorIsStaff };
  const agents =
    assignee.length || !audiencesOf(row.event, facts).has('agents')
      ? assignee
      : await ticketTeam(c, ticket.team_id);
  const resolve = (to: Audience): Person[] =>
    to === 'requester'
      ? active(ticket.requester_id)
      : to === 'assignee'
        ? assignee
        : to === 'agents'
          ? agents
          : [];
  const recipients = resolveRecipients(row.event, { facts, actorId: row.actor_id, resolve });
  const ref = formatReference(config.TICKET_PREFIX, ticket.id);
  const requester = byId.get(ticket.requester_id);
  const digest = digestFollowupIds(p);
  const body =
    row.event === 'ticket.created'
      ? ticket.description
      : digest.length > 1
        ? await digestBody(c.db, digest)
        : (row.followup_body ?? (row.event === 'ticket.resolved' ? (ticket.solution ?? '') : ''));
  const eventStatus =
    str(p.toStatus) || str(p.status) || (row.event === 'ticket.created' ? 'new' : ticket.status);
  // The customer's mails on this ticket: answering the latest keeps the conversation in her mail client.
  const thread = row.thread_message_ids.map(bracketed);
  const answered = row.event_message_id ? bracketed(row.event_message_id) : (thread.at(-1) ?? null);
  const references = answered && !thread.includes(answered) ? [...thread, answered] : thread;

  return recipients.map((r) => ({
    recipient: r,
    replyToken: r.userId !== null ? { ticketId: ticket.id, userId: r.userId } : null,
    async plan() {
      const lang = r.language;
      const tr = await c.strings(r.template, lang);
      const customer = r.role === 'customer' || r.role === 'external';
      const status = (s: string) => (s ? tr(`status.${s}`) : '');
      const wording = {
        template: r.template,
        type: ticket.type,
        ref,
        ...(typeof p.follows === 'number'
          ? { followsRef: formatReference(config.TICKET_PREFIX, p.follows) }
          : {}),
        ...(typeof p.mergedFrom === 'number'
          ? { mergedRef: formatReference(config.TICKET_PREFIX, p.mergedFrom) }
          : {}),
        title: ticket.title,
        actorName: actor?.name ?? c.senderName(lang),
        requesterName: requester?.name ?? '',
        own: r.userId !== null && r.userId === row.actor_id,
        customer,
        isPrivate: p.visibility === 'private',
        hasBody: body.trim() !== '',
        fromStatus: status(str(p.fromStatus)),
        toStatus: status(eventStatus),
      };
      const subject = ticketSubject(tr, wording);
      const intro = ticketIntro(tr, wording);
      const sum = summary(tr, [
        ['reference', ref],
        ['title', ticket.title],
        ['status', status(eventStatus)],
        ['category', `${tr(`type.${ticket.type}`)} · ${tr(`category.${ticket.category}`)}`],
        ['service', ticket.service_name ?? ''],
        ['requester', customer ? '' : (requester?.name ?? '')],
      ]);
      const approval =
        r.userId !== null && ticket.resolved_at
          ? approvalToken(config.SECRET, ticket.id, r.userId, ticket.resolved_at)
          : null;
      const survey =
        withSurvey && customer && r.userId !== null && r.userId === ticket.requester_id
          ? surveyToken(config.SECRET, ticket.id, r.userId)
          : null;
      const sender = c.senderName(lang);
      return {
        template: r.template,
        lang,
        subject,
        fromName: actor && actorIsStaff ? `${actor.name} (${sender})` : sender,
        ticketId: ticket.id,
        inReplyTo: answered,
        references,
        data: {
          ...c.base(lang, tr),
          subject,
          preview: intro,
          name: r.name,
          ref,
          title: ticket.title,
          intro,
          ticketUrl: customer ? link.ticket(ticket.id) : link.agentTicket(ticket.id),
          actorName: wording.actorName,
          requesterName: wording.requesterName,
          fromStatus: wording.fromStatus,
          toStatus: wording.toStatus,
          isPrivate: wording.isPrivate,
          fromPerson: Boolean(actor) && wording.hasBody && PERSONAL.has(r.template),
          body_html: textToHtml(body),
          body_text: body.trim(),
          ...filesList(tr, row.files),
          ...sum,
          approveUrl: approval ? link.approve(approval) : '',
          refuseUrl: approval ? `${link.approve(approval)}?choice=refuse` : '',
          ...surveyLinks(tr, survey ? (n) => link.survey(survey, n) : null),
          autoCloseDays: config.AUTO_CLOSE_DAYS,
          // The first-answer due instant of the event (not the ticket's now), in the customer's zone.
          answerBy:
            r.template === 'ticket-created' && customer && typeof p.firstAnswerDueAt === 'string'
              ? formatDue(lang, r.timeZone ?? config.DEFAULT_TIME_ZONE, new Date(p.firstAnswerDueAt))
              : '',
          replyHint: 'replyHint',
          ...outageData(p.outage, lang, config.DEFAULT_TIME_ZONE),
        },
      };
    },
  }));
};
