import type { Db } from '../../db/db.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import { type CustomerViewer, whereViewerMaySee } from './customer-scope.js';
import { type AttachmentInfo, timelineFiles } from './timeline-files.js';

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
  service_id: number | null;
  /** Who handles it (the assigned technician), if anyone yet. */
  assignee_name: string | null;
  /** The first answer's SLA due instant, and when it came (the page promises an answer by then). */
  first_answer_due_at: Date | null;
  first_answered_at: Date | null;
  sla_paused_at: Date | null;
  /** The major incident it waits for, if any (the page shows the outage's news instead of a due time). */
  major_incident_id: number | null;
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
    .leftJoin('users as a', 'a.id', 't.assignee_id')
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
      't.service_id',
      'a.name as assignee_name',
      't.first_answer_due_at',
      't.first_answered_at',
      't.sla_paused_at',
      't.major_incident_id',
    );
  whereViewerMaySee(q, viewer);
  return (await q) ?? null;
}

export type TimelineFile = AttachmentInfo;

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

/** History entries shown per page: the newest first, then "show earlier" pages back (keyset on the event id). */
export const TIMELINE_PAGE_SIZE = 50;

export interface TimelinePage<E> {
  /** The page's entries, oldest first. */
  entries: E[];
  /** The `before` cursor of the earlier page; null when this page reaches the start. */
  earlier: number | null;
}

/**
 * One page of the public history of a ticket: the newest TIMELINE_PAGE_SIZE events before `before` (all when
 * null), with their follow-ups (both sides) and files. Private notes and their files never appear. The caller
 * has checked the viewer may see the ticket.
 */
export async function ticketTimeline(
  db: Db,
  ticketId: number,
  before: number | null = null,
): Promise<TimelinePage<TimelineEntry> & { ticketFiles: TimelineFile[] }> {
  const events = (await db('ticket_events as e')
    .leftJoin('followups as f', 'f.id', 'e.followup_id')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.ticket_id', ticketId)
    .modify((q) => {
      if (before !== null) q.where('e.id', '<', before);
    })
    // Notes, bounces of the customer's own address, mentions by other tickets, the SLA clocks and the survey are for staff.
    .whereNotIn('e.kind', [
      'note',
      'bounced',
      'mentioned',
      'sla_first_answer',
      'sla_paused',
      'sla_resumed',
      'sla_warning',
      'sla_breach',
      'survey_offered',
      'satisfaction',
    ])
    .where((w) => w.whereNull('e.followup_id').orWhere('f.visibility', 'public'))
    .orderBy('e.id', 'desc')
    .limit(TIMELINE_PAGE_SIZE + 1)
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
    )) as (Omit<TimelineEntry, 'files'> & { followup_id: number | null })[];
  const more = events.length > TIMELINE_PAGE_SIZE;
  const page = events.slice(0, TIMELINE_PAGE_SIZE).reverse();
  const followupIds = page.flatMap((e) => (e.followup_id ? [e.followup_id] : []));
  const files = await timelineFiles(db, ticketId, followupIds);
  const byFollowup = new Map<number, TimelineFile[]>();
  for (const f of files)
    if (f.followupId !== null) byFollowup.set(f.followupId, [...(byFollowup.get(f.followupId) ?? []), f]);
  const entries = page.map(({ followup_id, ...e }) => ({
    ...e,
    files: followup_id ? (byFollowup.get(followup_id) ?? []) : [],
  }));
  return {
    entries,
    earlier: more ? (page[0]?.id ?? null) : null,
    ticketFiles: files.filter((f) => f.followupId === null),
  };
}
