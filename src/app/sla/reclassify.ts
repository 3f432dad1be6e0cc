import type { Tx } from '../../db/db.js';
import type { SlaCalendarRow, SlaPolicyRow, TicketRow } from '../../db/tables.js';
import { choosePolicy, clockRuns, type SlaTicketFacts } from '../../domain/sla-policy.js';
import { type CountedPolicy, reclassifiedClocks } from '../../domain/sla-reclassify.js';
import { calendarOf } from './calendars.js';
import type { ClockData } from './clocks.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A policy with its calendar, as the clock counts it. */
async function counted(trx: Tx, policy: SlaPolicyRow | undefined): Promise<CountedPolicy | null> {
  if (!policy) return null;
  const cal: SlaCalendarRow | undefined = await trx('sla_calendars')
    .where({ id: policy.calendar_id })
    .first();
  return cal
    ? {
        calendar: calendarOf(cal),
        targets: {
          firstAnswerMinutes: policy.first_answer_minutes,
          resolutionMinutes: policy.resolution_minutes,
          warnPercent: policy.warn_percent,
        },
      }
    : null;
}

/**
 * Chooses the SLA policy again for a ticket an agent reclassified (`facts` as they are after the change), in the
 * caller's transaction. The same policy leaves the clocks alone. Another one recounts them (the time already run
 * is kept, domain/sla-reclassify.ts), and forgets the warnings and escalations sent for a due instant that is
 * now ahead, so that the new one is warned about in its turn. No policy any more: the ticket has no clocks.
 * Returns what the change's history row says of it.
 */
export async function reclassifyClocks(
  trx: Tx,
  t: TicketRow,
  facts: SlaTicketFacts,
  now: Date,
): Promise<ClockData> {
  const policies: SlaPolicyRow[] = await trx('sla_policies')
    .where({ type: facts.type, active: true })
    .select('*');
  const next = choosePolicy(policies, facts);
  if ((next?.id ?? null) === t.sla_policy_id) return {};
  const fromPolicyId = t.sla_policy_id;
  if (!next) {
    await trx('tickets').where({ id: t.id }).update({
      sla_policy_id: null,
      first_answer_due_at: null,
      first_answer_warn_at: null,
      resolution_due_at: null,
      resolution_warn_at: null,
      sla_due_at: null,
      sla_paused_at: null,
    });
    return { sla: { reclassified: { fromPolicyId, toPolicyId: null } } };
  }
  const newPolicy = await counted(trx, next);
  if (!newPolicy) return {};
  const old =
    fromPolicyId === null
      ? null
      : await counted(trx, await trx('sla_policies').where({ id: fromPolicyId }).first());
  // A clock that was not counted (no policy) starts stopped if the ticket waits now.
  const stoppedAt =
    t.sla_policy_id !== null ? t.sla_paused_at : clockRuns(t.status, t.major_incident_id) ? null : now;
  const at = stoppedAt ?? now;
  const c = reclassifiedClocks(t, old, newPolicy, at);
  const firstOpen = t.first_answered_at === null;
  await trx('tickets')
    .where({ id: t.id })
    .update({
      sla_policy_id: next.id,
      first_answer_due_at: c.first_answer_due_at,
      first_answer_warn_at: c.first_answer_warn_at,
      resolution_due_at: c.resolution_due_at,
      resolution_warn_at: c.resolution_warn_at,
      sla_paused_at: stoppedAt,
      sla_due_at: stoppedAt ? null : firstOpen ? c.first_answer_due_at : c.resolution_due_at,
    });
  const ahead = (d: Date | null) => d !== null && d.getTime() > at.getTime();
  const forget = [
    ...(firstOpen && ahead(c.first_answer_warn_at) ? ['first_answer_warning'] : []),
    ...(firstOpen && ahead(c.first_answer_due_at) ? ['first_answer_breach'] : []),
    ...(ahead(c.resolution_warn_at) ? ['resolution_warning'] : []),
    ...(ahead(c.resolution_due_at) ? ['resolution_breach'] : []),
  ];
  if (forget.length) await trx('sla_notices').where({ ticket_id: t.id }).whereIn('kind', forget).delete();
  return {
    sla: {
      reclassified: {
        fromPolicyId,
        toPolicyId: next.id,
        spentMinutes: c.spentMinutes,
        ...(firstOpen ? { firstAnswerDueAt: iso(c.first_answer_due_at) } : {}),
        resolutionDueAt: iso(c.resolution_due_at),
      },
    },
  };
}
