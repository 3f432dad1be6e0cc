import type { Db } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import type { TicketRow } from '../ticket-row.js';
import { type LinkedTicket, linkedTickets } from './ticket-links.js';
import { TIMELINE_PAGE_SIZE } from './ticket-timeline.js';
import { type AttachmentInfo, timelineFiles } from './timeline-files.js';

export interface TimelineFollowup {
  kind: 'followup';
  id: number;
  at: Date;
  followupKind: string;
  visibility: 'public' | 'private';
  body: string;
  source: 'web' | 'email' | 'system';
  authorId: number | null;
  authorName: string | null;
  authorRole: string | null;
  attachments: AttachmentInfo[];
}

export interface TimelineEvent {
  kind: 'event';
  id: number;
  at: Date;
  event: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actorName: string | null;
  data: Record<string, unknown>;
}

export interface AgentTicketView {
  ticket: TicketRow;
  requester: {
    id: number;
    name: string;
    email: string;
    phone: string | null;
    language: string;
    active: boolean;
    bounced_at: Date | null;
    bounce_reason: string | null;
  };
  company: { id: number; name: string; code: string | null } | null;
  services: {
    id: number;
    name: string;
    circuit_id: string | null;
    address: string | null;
    active: boolean;
  }[];
  assignee: { id: number; name: string } | null;
  team: { id: number; name: string } | null;
  /** The teams a ticket may be handed to (active ones). */
  teams: { id: number; name: string }[];
  /** Attachments of the ticket itself (not of a follow-up). */
  attachments: AttachmentInfo[];
  /** One page of follow-ups (private notes included) and status/assignment events, oldest first. */
  timeline: (TimelineFollowup | TimelineEvent)[];
  /** The `before` cursor of the earlier page; null when the page reaches the start. */
  earlier: number | null;
  agents: { id: number; name: string }[];
  /** Tickets this one follows, was merged into or mentions, and the other way round. */
  links: LinkedTicket[];
  /** The name of the ticket's SLA policy, if any. */
  slaPolicy: string | null;
}

/** Events the timeline already shows through their follow-up. */
const SHOWN_BY_FOLLOWUP = new Set(['followup', 'note']);

/**
 * Everything an agent sees of one ticket, private notes included, with one page of its history: the newest
 * TIMELINE_PAGE_SIZE events before `before` (keyset on the event id; the newest when null), each with its
 * follow-up. Callers check the actor is staff.
 */
export async function agentTicket(
  db: Db,
  ticketId: number,
  before: number | null = null,
): Promise<AgentTicketView> {
  const ticket = await db('tickets').where({ id: ticketId }).first();
  if (!ticket) throw new AppError('not_found', 'errors.ticketNotFound');
  const [requester, company, services, assignee, team, teams, events, agents, links, policy] =
    await Promise.all([
      db('users')
        .where({ id: ticket.requester_id })
        .first('id', 'name', 'email', 'phone', 'language', 'active', 'bounced_at', 'bounce_reason'),
      ticket.company_id ? db('companies').where({ id: ticket.company_id }).first('id', 'name', 'code') : null,
      ticket.company_id
        ? db('services')
            .where({ company_id: ticket.company_id })
            .orderBy('name')
            .select('id', 'name', 'circuit_id', 'address', 'active')
        : [],
      ticket.assignee_id ? db('users').where({ id: ticket.assignee_id }).first('id', 'name') : null,
      ticket.team_id ? db('teams').where({ id: ticket.team_id }).first('id', 'name') : null,
      db('teams').where({ active: true }).orderBy('name').select('id', 'name'),
      db('ticket_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_id')
        .leftJoin('followups as f', 'f.id', 'e.followup_id')
        .leftJoin('users as fu', 'fu.id', 'f.author_id')
        .where('e.ticket_id', ticketId)
        .modify((q) => {
          if (before !== null) q.where('e.id', '<', before);
        })
        .orderBy('e.id', 'desc')
        .limit(TIMELINE_PAGE_SIZE + 1)
        .select(
          'e.id',
          'e.kind',
          'e.from_status',
          'e.to_status',
          'e.data',
          'e.created_at',
          'u.name as actor_name',
          'f.id as f_id',
          'f.kind as f_kind',
          'f.visibility as f_visibility',
          'f.body as f_body',
          'f.source as f_source',
          'f.author_id as f_author_id',
          'f.created_at as f_created_at',
          'fu.name as f_author_name',
          'fu.role as f_author_role',
        ) as Promise<Record<string, unknown>[]>,
      db('users')
        .whereIn('role', ['agent', 'admin'])
        .where({ active: true })
        .orderBy('name')
        .select('id', 'name'),
      linkedTickets(db, ticketId),
      ticket.sla_policy_id ? db('sla_policies').where({ id: ticket.sla_policy_id }).first('name') : null,
    ]);
  const page = events.slice(0, TIMELINE_PAGE_SIZE).reverse();
  const followupIds = page.flatMap((e) => (e.f_id == null ? [] : [e.f_id as number]));
  const files = await timelineFiles(db, ticketId, followupIds);
  const timeline: (TimelineFollowup | TimelineEvent)[] = [];
  for (const e of page) {
    // A follow-up shows with its event; the event itself too unless it only says "a follow-up was added".
    if (e.f_id != null)
      timeline.push({
        kind: 'followup',
        id: e.f_id as number,
        at: e.f_created_at as Date,
        followupKind: e.f_kind as string,
        visibility: e.f_visibility as 'public' | 'private',
        body: e.f_body as string,
        source: e.f_source as 'web' | 'email' | 'system',
        authorId: (e.f_author_id as number | null) ?? null,
        authorName: (e.f_author_name as string | null) ?? null,
        authorRole: (e.f_author_role as string | null) ?? null,
        attachments: files.filter((a) => a.followupId === e.f_id),
      });
    // ...or unless it says what the follow-up did to the SLA clocks.
    if (!SHOWN_BY_FOLLOWUP.has(e.kind as string) || (e.data as { sla?: unknown } | null)?.sla)
      timeline.push({
        kind: 'event',
        id: e.id as number,
        at: e.created_at as Date,
        event: e.kind as string,
        fromStatus: (e.from_status as TicketStatus | null) ?? null,
        toStatus: (e.to_status as TicketStatus | null) ?? null,
        actorName: (e.actor_name as string | null) ?? null,
        data: (e.data as Record<string, unknown>) ?? {},
      });
  }
  return {
    ticket,
    requester: requester!,
    company: company ?? null,
    services,
    assignee: assignee ?? null,
    team: team ?? null,
    teams,
    attachments: files.filter((a) => a.followupId === null),
    timeline,
    earlier: events.length > TIMELINE_PAGE_SIZE ? ((page[0]?.id as number | undefined) ?? null) : null,
    agents,
    links,
    slaPolicy: policy?.name ?? null,
  };
}

/** One attachment of a ticket, for download by staff. */
export async function agentAttachment(
  db: Db,
  ticketId: number,
  attachmentId: string,
): Promise<{ filename: string; content_type: string; data: Buffer } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(attachmentId)) return null;
  return (
    (await db('attachments')
      .where({ id: attachmentId, ticket_id: ticketId })
      .first('filename', 'content_type', 'data')) ?? null
  );
}
