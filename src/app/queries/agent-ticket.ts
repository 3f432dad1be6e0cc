import type { Db } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import type { TicketRow } from '../ticket-row.js';
import { type LinkedTicket, linkedTickets } from './ticket-links.js';

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

export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  followupId: number | null;
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
  /** Attachments of the ticket itself (not of a follow-up). */
  attachments: AttachmentInfo[];
  /** Follow-ups (private notes included) and the status/assignment events, oldest first. */
  timeline: (TimelineFollowup | TimelineEvent)[];
  agents: { id: number; name: string }[];
  /** Tickets this one follows, was merged into or mentions, and the other way round. */
  links: LinkedTicket[];
}

/** Events the timeline already shows through their follow-up. */
const SHOWN_BY_FOLLOWUP = new Set(['followup', 'note']);

/** Everything an agent sees of one ticket, private notes included. Callers check the actor is staff. */
export async function agentTicket(db: Db, ticketId: number): Promise<AgentTicketView> {
  const ticket: TicketRow | undefined = await db('tickets').where({ id: ticketId }).first();
  if (!ticket) throw new AppError('not_found', 'errors.ticketNotFound');
  const [requester, company, services, assignee, attachments, followups, events, agents, links] =
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
      db('attachments')
        .where({ ticket_id: ticketId })
        .orderBy('created_at')
        .select('id', 'filename', 'content_type as contentType', 'size', 'followup_id as followupId'),
      db('followups as f')
        .leftJoin('users as u', 'u.id', 'f.author_id')
        .where('f.ticket_id', ticketId)
        .orderBy([{ column: 'f.created_at' }, { column: 'f.id' }])
        .select('f.*', 'u.name as author_name', 'u.role as author_role'),
      db('ticket_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_id')
        .where('e.ticket_id', ticketId)
        .orderBy([{ column: 'e.created_at' }, { column: 'e.id' }])
        .select('e.*', 'u.name as actor_name'),
      db('users')
        .whereIn('role', ['agent', 'admin'])
        .where({ active: true })
        .orderBy('name')
        .select('id', 'name'),
      linkedTickets(db, ticketId),
    ]);
  const files = attachments as AttachmentInfo[];
  const timeline: (TimelineFollowup | TimelineEvent)[] = [
    ...followups.map(
      (f: Record<string, unknown>): TimelineFollowup => ({
        kind: 'followup',
        id: f.id as number,
        at: f.created_at as Date,
        followupKind: f.kind as string,
        visibility: f.visibility as 'public' | 'private',
        body: f.body as string,
        source: f.source as 'web' | 'email' | 'system',
        authorId: (f.author_id as number | null) ?? null,
        authorName: (f.author_name as string | null) ?? null,
        authorRole: (f.author_role as string | null) ?? null,
        attachments: files.filter((a) => a.followupId === f.id),
      }),
    ),
    ...events
      .filter((e: Record<string, unknown>) => !SHOWN_BY_FOLLOWUP.has(e.kind as string))
      .map(
        (e: Record<string, unknown>): TimelineEvent => ({
          kind: 'event',
          id: e.id as number,
          at: e.created_at as Date,
          event: e.kind as string,
          fromStatus: (e.from_status as TicketStatus | null) ?? null,
          toStatus: (e.to_status as TicketStatus | null) ?? null,
          actorName: (e.actor_name as string | null) ?? null,
          data: (e.data as Record<string, unknown>) ?? {},
        }),
      ),
  ].sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? a.id - b.id : a.kind === 'event' ? 1 : -1),
  );
  return {
    ticket,
    requester,
    company: company ?? null,
    services,
    assignee: assignee ?? null,
    attachments: files.filter((a) => a.followupId === null),
    timeline,
    agents,
    links,
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
