import { AppError } from '../domain/errors.js';
import {
  type Actor,
  isStaff,
  nextStatus,
  type TicketAction,
  type TicketStatus,
} from '../domain/ticket-status.js';
import { actorId } from './actor.js';
import { type AppContext, nowOf } from './context.js';
import { type FollowupInput, type FollowupKind, writeFollowup } from './followup-writer.js';
import { type HistoryKind, recordHistory } from './history.js';
import { type OutboxEvent, writeOutbox } from './outbox.js';
import { offerSurvey } from './satisfaction/survey-offer.js';
import { followClocks } from './sla/clocks.js';
import { lockTicket, type TicketRow } from './ticket-row.js';

export interface TransitionResult {
  ticketId: number;
  status: TicketStatus;
  followupId: number | null;
}

interface TransitionSpec {
  action: TicketAction;
  history: HistoryKind;
  event: OutboxEvent;
  /** The follow-up this action carries (a solution, a refusal reason...), if any. */
  followup?: (FollowupInput & { kind: FollowupKind }) | null;
  /** Extra columns to set on the ticket. */
  patch?: (t: TicketRow) => Record<string, unknown>;
  data?: Record<string, unknown>;
  /**
   * Also give the ticket to this agent, in the same change (an agent's mail `#pending` + `#assign me`): one
   * history row more, and no status move of its own, so the customer gets the one mail of the action.
   */
  assignTo?: number | null;
}

/**
 * One state change as one transaction: the ticket row, its follow-up, its history row and its outbox row
 * commit together or not at all.
 */
export async function runTransition(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  spec: TransitionSpec,
): Promise<TransitionResult> {
  return ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    const own: Record<string, unknown> = spec.patch?.(t) ?? {};
    const patch = {
      ...own,
      ...(spec.assignTo != null ? { assignee_id: spec.assignTo } : {}),
    };
    const hasAssignee = (patch.assignee_id ?? t.assignee_id) != null;
    const to = nextStatus(spec.action, t.status, actor, { hasAssignee });
    const by = actorId(actor);
    let followupId: number | null = null;
    if (spec.followup) {
      followupId = await writeFollowup(ctx, trx, {
        ...spec.followup,
        ticketId,
        authorId: by,
        visibility: 'public',
      });
    }
    const now = nowOf(ctx);
    await trx('tickets')
      .where({ id: ticketId })
      .update({
        ...patch,
        status: to,
        updated_at: now,
        ...(to === 'resolved' ? { resolved_at: now } : {}),
        ...(to === 'closed' ? { closed_at: now } : {}),
        ...(t.status === 'closed' && to !== 'closed' ? { closed_at: null } : {}),
      });
    const incident = own.major_incident_id;
    const clocks = await followClocks(trx, {
      before: t,
      status: to,
      answeredBySupport: followupId !== null && isStaff(actor),
      now,
      // A refusal takes the ticket out of its major incident: its clocks run again.
      majorIncidentId: typeof incident === 'number' || incident === null ? incident : undefined,
    });
    await recordHistory(trx, {
      ticketId,
      actorId: by,
      kind: spec.history,
      fromStatus: t.status,
      toStatus: to,
      followupId,
      data: { ...(spec.data ?? {}), ...clocks },
    });
    if (spec.assignTo != null && spec.assignTo !== t.assignee_id)
      await recordHistory(trx, {
        ticketId,
        actorId: by,
        kind: 'assigned',
        fromStatus: to,
        toStatus: to,
        data: { assigneeId: spec.assignTo },
      });
    const survey = to === 'closed' && t.status !== 'closed' ? await offerSurvey(ctx, trx, ticketId, by) : {};
    await writeOutbox(trx, [
      {
        event: spec.event,
        ticketId,
        actorId: by,
        payload: { fromStatus: t.status, toStatus: to, followupId, ...(spec.data ?? {}), ...survey },
      },
    ]);
    return { ticketId, status: to, followupId };
  });
}

export function requireText(text: string | undefined | null, field: string, key: string): string {
  const v = (text ?? '').trim();
  if (!v) throw new AppError('invalid', key, { fields: { [field]: key } });
  return v;
}
