import type { Tx } from '../../db/db.js';
import type { SlaCalendarRow, SlaPolicyRow, TicketRow } from '../../db/tables.js';
import { addBusinessMs, type BusinessCalendar, businessMsBetween } from '../../domain/sla-clock.js';
import {
  choosePolicy,
  clockMet,
  clockRuns,
  SLA_RESOLVED_STATUSES,
  type SlaTicketFacts,
} from '../../domain/sla-policy.js';
import { calendarOf, policyCalendar } from './calendars.js';

const MINUTE = 60_000;

/** The SLA columns of a new ticket. */
export interface StartedClocks {
  sla_policy_id: number;
  first_answer_due_at: Date;
  first_answer_warn_at: Date;
  resolution_due_at: Date;
  resolution_warn_at: Date;
  sla_due_at: Date | null;
  /** Set when the clocks start stopped. */
  sla_paused_at?: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function start(cal: BusinessCalendar, p: SlaPolicyRow, now: Date): StartedClocks {
  const at = (minutes: number, share = 1) => addBusinessMs(cal, now, minutes * MINUTE * share) ?? now;
  const warn = p.warn_percent / 100;
  const firstDue = at(p.first_answer_minutes);
  return {
    sla_policy_id: p.id,
    first_answer_due_at: firstDue,
    first_answer_warn_at: at(p.first_answer_minutes, warn),
    resolution_due_at: at(p.resolution_minutes),
    resolution_warn_at: at(p.resolution_minutes, warn),
    sla_due_at: firstDue,
  };
}

/** The policy and due instants of tickets being opened now, in order (null: no policy fits). */
export async function startClocks(
  trx: Tx,
  tickets: readonly SlaTicketFacts[],
  now: Date,
): Promise<(StartedClocks | null)[]> {
  const types = [...new Set(tickets.map((t) => t.type))];
  if (!types.length) return [];
  const policies = await trx('sla_policies').whereIn('type', types).where({ active: true }).select('*');
  if (!policies.length) return tickets.map(() => null);
  const calendars: SlaCalendarRow[] = await trx('sla_calendars')
    .whereIn('id', [...new Set(policies.map((p) => p.calendar_id))])
    .select('*');
  const byId = new Map(calendars.map((c) => [c.id, calendarOf(c)]));
  return tickets.map((t) => {
    const p = choosePolicy(policies, t);
    const cal = p ? byId.get(p.calendar_id) : undefined;
    return p && cal ? start(cal, p, now) : null;
  });
}

/** A new ticket linked to a major incident: its clocks start stopped, and run once it leaves the incident. */
export const stoppedAtBirth = (c: StartedClocks, now: Date): StartedClocks => ({
  ...c,
  sla_due_at: null,
  sla_paused_at: now,
});

/** What the history of a new ticket records of its clocks. */
export const startedData = (c: StartedClocks | null, paused = false) =>
  c
    ? {
        sla: {
          policyId: c.sla_policy_id,
          firstAnswerDueAt: iso(c.first_answer_due_at),
          resolutionDueAt: iso(c.resolution_due_at),
          ...(paused ? { paused: true } : {}),
        },
      }
    : {};

export interface ClockChange {
  /** The ticket as it was before the change (locked by the caller). */
  before: TicketRow;
  status: string;
  /** Support wrote to the customer (a public follow-up, question or solution). */
  answeredBySupport: boolean;
  now: Date;
  /** The major incident the ticket is linked to after the change, when the change sets it. */
  majorIncidentId?: number | null;
}

/** What the change's history row records of the clocks (under `sla`), so the figures are auditable. */
export type ClockData = { sla?: Record<string, unknown> };

/**
 * Follows a change of a ticket on its SLA clocks, in the caller's transaction: the first public answer of
 * support stops the first-answer clock; entering pending, resolved or closed, or being linked to a major
 * incident, stops the clocks, and leaving them restarts them with the due instants pushed by the business time
 * stopped. Whether each clock was met is kept when its goal comes (judged at the stop, for a stopped clock);
 * a ticket back at work after its resolution has its resolution undecided again. Returns what the change's own
 * history row is to say about it (one history row per use case, as ever).
 */
export async function followClocks(trx: Tx, c: ClockChange): Promise<ClockData> {
  const t = c.before;
  const patch: Partial<TicketRow> = {};
  const data: Record<string, unknown> = {};
  const answered = t.first_answered_at === null && c.answeredBySupport;
  if (answered) {
    patch.first_answered_at = c.now;
    if (t.first_answer_due_at) {
      const met = clockMet(t.first_answer_due_at, c.now, t.sla_paused_at);
      patch.first_answer_met = met;
      data.firstAnswer = { dueAt: iso(t.first_answer_due_at), met };
    }
  }
  const wasResolved = SLA_RESOLVED_STATUSES.includes(t.status);
  const isResolved = SLA_RESOLVED_STATUSES.includes(c.status);
  if (isResolved && !wasResolved && t.resolution_due_at) {
    const met = clockMet(t.resolution_due_at, c.now, t.sla_paused_at);
    patch.resolution_met = met;
    data.resolution = { dueAt: iso(t.resolution_due_at), met };
  } else if (!isResolved && wasResolved && t.resolution_met !== null) patch.resolution_met = null;
  if (t.sla_policy_id !== null) {
    const wasRunning = t.sla_paused_at === null;
    const runs = clockRuns(
      c.status,
      c.majorIncidentId === undefined ? t.major_incident_id : c.majorIncidentId,
    );
    if (wasRunning && !runs) {
      patch.sla_paused_at = c.now;
      patch.sla_due_at = null;
      data.paused = true;
    } else if (!wasRunning && runs && t.sla_paused_at) {
      const cal = await policyCalendar(trx, t.sla_policy_id);
      if (cal) {
        const r = resumed(cal, t, c.now, answered);
        Object.assign(patch, r.patch);
        data.resumed = r.data;
      }
    } else if (answered && wasRunning) {
      patch.sla_due_at = t.resolution_due_at;
    }
  }
  if (Object.keys(patch).length) await trx('tickets').where({ id: t.id }).update(patch);
  return Object.keys(data).length ? { sla: data } : {};
}

function resumed(cal: BusinessCalendar, t: TicketRow, now: Date, answered: boolean) {
  const since = t.sla_paused_at as Date;
  const stopped = businessMsBetween(cal, since, now);
  const push = (d: Date | null) => (d ? (addBusinessMs(cal, d, stopped) ?? d) : null);
  const firstOpen = t.first_answered_at === null && !answered;
  const patch: Partial<TicketRow> = {
    sla_paused_at: null,
    sla_paused_minutes: t.sla_paused_minutes + Math.round(stopped / MINUTE),
    resolution_due_at: push(t.resolution_due_at),
    resolution_warn_at: push(t.resolution_warn_at),
    ...(firstOpen
      ? {
          first_answer_due_at: push(t.first_answer_due_at),
          first_answer_warn_at: push(t.first_answer_warn_at),
        }
      : {}),
  };
  patch.sla_due_at = firstOpen ? (patch.first_answer_due_at ?? null) : (patch.resolution_due_at ?? null);
  return {
    patch,
    data: {
      pausedSince: iso(since),
      pausedMinutes: Math.round(stopped / MINUTE),
      ...(firstOpen ? { firstAnswerDueAt: iso(patch.first_answer_due_at ?? null) } : {}),
      resolutionDueAt: iso(patch.resolution_due_at ?? null),
    },
  };
}
