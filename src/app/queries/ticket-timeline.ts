import type { Db } from '../../db/db.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import { type CustomerViewer, whereViewerMaySee } from './customer-scope.js';

export interface CustomerTicket {
  id: number;
  type: string;
  category: string;
  urgency: string | null;
  title: string;
  description: string;
  status: TicketStatus;
  solution: string | null;
  source: 'web' | 'email';
  created_at: Date;
  updated_at: Date;
  requester_id: number;
  requester_name: string;
  service_name: string | null;
  service_circuit: string | null;
}

/** The ticket if the viewer may see it; null otherwise (callers answer 404 either way). */
export async function customerTicket(
  db: Db,
  viewer: CustomerViewer,
  ticketId: number,
): Promise<CustomerTicket | null> {
  if (!Number.isSafeInteger(ticketId) || ticketId <= 0) return null;
  const q = db('tickets as t')
    .join('users as u', 'u.id', 't.requester_id')
    .leftJoin('services as sv', 'sv.id', 't.service_id')
    .where('t.id', ticketId)
    .first(
      't.id',
      't.type',
      't.category',
      't.urgency',
      't.title',
      't.description',
      't.status',
      't.solution',
      't.source',
      't.created_at',
      't.updated_at',
      't.requester_id',
      'u.name as requester_name',
      'sv.name as service_name',
      'sv.circuit_id as service_circuit',
    );
  whereViewerMaySee(q, viewer);
  return (await q) ?? null;
}

export interface TimelineFile {
  id: string;
  filename: string;
  size: number;
  followup_id: number | null;
}

export interface TimelineEntry {
  id: number;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  created_at: Date;
  actor_name: string | null;
  actor_role: string | null;
  followup_kind: string | null;
  body: string | null;
  source: string | null;
  files: TimelineFile[];
}

/**
 * The public history of a ticket, oldest first: events with their follow-ups (both sides) and files.
 * Private notes and their files never appear. The caller has checked the viewer may see the ticket.
 */
export async function ticketTimeline(
  db: Db,
  ticketId: number,
): Promise<{ entries: TimelineEntry[]; ticketFiles: TimelineFile[] }> {
  const [events, files] = await Promise.all([
    db('ticket_events as e')
      .leftJoin('followups as f', 'f.id', 'e.followup_id')
      .leftJoin('users as u', 'u.id', 'e.actor_id')
      .where('e.ticket_id', ticketId)
      // Notes and bounces of the customer's own address are for staff.
      .whereNotIn('e.kind', ['note', 'bounced'])
      .where((w) => w.whereNull('e.followup_id').orWhere('f.visibility', 'public'))
      .orderBy([{ column: 'e.created_at' }, { column: 'e.id' }])
      .select(
        'e.id',
        'e.kind',
        'e.from_status',
        'e.to_status',
        'e.created_at',
        'e.followup_id',
        'u.name as actor_name',
        'u.role as actor_role',
        'f.kind as followup_kind',
        'f.body',
        'f.source',
      ),
    db('attachments as a')
      .leftJoin('followups as f', 'f.id', 'a.followup_id')
      .where('a.ticket_id', ticketId)
      .where((w) => w.whereNull('a.followup_id').orWhere('f.visibility', 'public'))
      .orderBy('a.created_at')
      .select('a.id', 'a.filename', 'a.size', 'a.followup_id'),
  ]);
  const byFollowup = new Map<number, TimelineFile[]>();
  for (const f of files as TimelineFile[])
    if (f.followup_id !== null) byFollowup.set(f.followup_id, [...(byFollowup.get(f.followup_id) ?? []), f]);
  const entries = (events as (Omit<TimelineEntry, 'files'> & { followup_id: number | null })[]).map(
    ({ followup_id, ...e }) => ({ ...e, files: followup_id ? (byFollowup.get(followup_id) ?? []) : [] }),
  );
  return { entries, ticketFiles: (files as TimelineFile[]).filter((f) => f.followup_id === null) };
}
