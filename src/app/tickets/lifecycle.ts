import { AppError } from '../../domain/errors.js';
import { type Actor, isStaff } from '../../domain/ticket-status.js';
import type { AppContext } from '../context.js';
import type { FollowupInput } from '../followup-writer.js';
import { requireText, runTransition, type TransitionResult } from '../transition.js';

/** Options of a status change made together with the agent taking the ticket (mail commands as one intent). */
export interface TakeOption {
  assignToActor?: boolean;
}

const taker = (actor: Actor, o?: TakeOption) => (o?.assignToActor && actor.kind === 'user' ? actor.id : null);

/** Support asks the customer for information: the ticket waits for them. */
export const setPending = async (
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  request: FollowupInput,
  o?: TakeOption,
) =>
  runTransition(ctx, actor, ticketId, {
    assignTo: taker(actor, o),
    action: 'set_pending',
    history: 'status_changed',
    event: 'ticket.pending',
    followup: {
      ...request,
      body: requireText(request.body, 'body', 'validation.questionRequired'),
      kind: 'info_request',
    },
  });

/** An agent gives the solution; the customer is asked to approve it. */
export const resolve = async (
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  solution: FollowupInput,
  o?: TakeOption,
) => {
  const text = requireText(solution.body, 'solution', 'validation.solutionRequired');
  return runTransition(ctx, actor, ticketId, {
    assignTo: taker(actor, o),
    action: 'resolve',
    history: 'solution',
    event: 'ticket.resolved',
    followup: { ...solution, body: text, kind: 'solution' },
    patch: (t) => ({
      solution: text,
      assignee_id: t.assignee_id ?? (actor.kind === 'user' ? actor.id : null),
    }),
  });
};

/** The customer accepts the solution (optional comment): the ticket is closed. */
export const approveSolution = async (
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  comment?: FollowupInput,
) =>
  runTransition(ctx, actor, ticketId, {
    action: 'approve_solution',
    history: 'approved',
    event: 'ticket.approved',
    followup: comment?.body?.trim() ? { ...comment, body: comment.body.trim(), kind: 'approval' } : null,
  });

/**
 * The customer refuses the solution (a reason is required): the ticket goes back to work, and out of the major
 * incident it was resolved with, if any: the outage is over, her problem is not.
 */
export const refuseSolution = async (
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  reason: FollowupInput,
) =>
  runTransition(ctx, actor, ticketId, {
    action: 'refuse_solution',
    history: 'refused',
    event: 'ticket.refused',
    followup: {
      ...reason,
      body: requireText(reason.body, 'comment', 'validation.refusalReasonRequired'),
      kind: 'refusal',
    },
    patch: () => ({ solution: null, resolved_at: null, major_incident_id: null }),
  });

/** Staff closes a ticket (with an optional last word to the customer), or the system does (auto-closing). */
export const close = async (
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  data: { reason?: string; comment?: FollowupInput } = {},
  o?: TakeOption,
) =>
  runTransition(ctx, actor, ticketId, {
    assignTo: taker(actor, o),
    action: 'close',
    history: 'closed',
    event: 'ticket.closed',
    followup:
      data.comment?.body?.trim() || data.comment?.files?.length
        ? { ...data.comment, body: data.comment.body.trim(), kind: 'comment' }
        : null,
    data: data.reason ? { reason: data.reason } : {},
  });

/** Staff reopens a resolved or closed ticket. */
export const reopen = async (ctx: AppContext, actor: Actor, ticketId: number, comment?: FollowupInput) =>
  runTransition(ctx, actor, ticketId, {
    action: 'reopen',
    history: 'reopened',
    event: 'ticket.reopened',
    followup: comment?.body?.trim() ? { ...comment, body: comment.body.trim(), kind: 'comment' } : null,
    patch: () => ({ solution: null, resolved_at: null }),
  });

/** Staff assigns the ticket to an agent (themselves when no one is named). */
export async function assign(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  assigneeId?: number,
): Promise<TransitionResult> {
  const target = assigneeId ?? (actor.kind === 'user' ? actor.id : null);
  if (target === null) throw new AppError('invalid', 'validation.assigneeRequired');
  // Others get "not found" or "forbidden" from the transition itself, before anything about the assignee.
  if (isStaff(actor)) {
    const agent = await ctx
      .db('users')
      .where({ id: target, active: true })
      .whereIn('role', ['agent', 'admin'])
      .first('id');
    if (!agent)
      throw new AppError('invalid', 'validation.assigneeInvalid', {
        fields: { assigneeId: 'validation.assigneeInvalid' },
      });
  }
  return runTransition(ctx, actor, ticketId, {
    action: 'assign',
    history: 'assigned',
    event: 'ticket.assigned',
    patch: () => ({ assignee_id: target }),
    data: { assigneeId: target },
  });
}
