import type { Tx } from '../db/db.js';

export type HistoryKind =
  | 'created'
  | 'followup'
  | 'note'
  | 'status_changed'
  | 'assigned'
  | 'solution'
  | 'approved'
  | 'refused'
  | 'closed'
  | 'reopened'
  | 'updated'
  | 'bounced'
  /** The satisfaction survey was offered at the closing (data: delayMinutes). */
  | 'survey_offered'
  /** The customer answered (or changed) the satisfaction survey (data: score, changed). */
  | 'satisfaction'
  /** Another ticket now follows, was merged into, or mentions this one (data: kind, ticketId). */
  | 'linked'
  /** A mail on another ticket named this one (data: ticketId); for staff only, like the link. */
  | 'mentioned'
  /** This ticket was merged into another (data: into); it is closed by the same change. */
  | 'merged'
  /** An SLA warning or escalation mailed (app/sla/notices.ts; data: clock, dueAt). */
  | 'sla_warning'
  | 'sla_breach'
  /** Linked to, or unlinked from, a major incident (data: majorIncidentId, and why when it was not by hand). */
  | 'incident_linked'
  | 'incident_unlinked';

export interface HistoryRow {
  ticketId: number;
  actorId: number | null;
  kind: HistoryKind;
  fromStatus?: string | null;
  toStatus?: string | null;
  followupId?: number | null;
  data?: Record<string, unknown>;
}

/** Appends to the ticket's audit log, inside the caller's transaction. */
export async function recordHistory(trx: Tx, row: HistoryRow): Promise<void> {
  await recordHistories(trx, [row]);
}

/** Appends many audit-log rows in one statement. */
export async function recordHistories(trx: Tx, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await trx('ticket_events').insert(
    rows.map((row) => ({
      ticket_id: row.ticketId,
      actor_id: row.actorId,
      kind: row.kind,
      from_status: row.fromStatus ?? null,
      to_status: row.toStatus ?? null,
      followup_id: row.followupId ?? null,
      data: JSON.stringify(row.data ?? {}),
    })),
  );
}
