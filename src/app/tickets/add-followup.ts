import { AppError } from '../../domain/errors.js';
import { canSeePrivateNotes } from '../../domain/permissions.js';
import { type Actor, acceptsFollowups, isStaff, nextStatus } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { notifyAgentsOfFollowup } from '../agent-followup-mail.js';
import { type AppContext, nowOf } from '../context.js';
import { type FollowupInput, writeFollowup } from '../followup-writer.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';
import { followClocks } from '../sla/clocks.js';
import { lockTicket } from '../ticket-row.js';

export interface AddFollowupInput extends FollowupInput {
  ticketId: number;
  /** Private notes are for staff only. */
  visibility?: 'public' | 'private';
  /** The text already reached the customer (an agent wrote it from the shared mailbox): notify no one by mail. */
  alreadySent?: boolean;
}

/**
 * A comment and/or documents on an open ticket. A customer answering a ticket that waits for them
 * puts it back to work; the first public answer of support (web, mail, or the shared mailbox's Sent folder)
 * takes a new ticket in progress and, when nobody has it, assigns it to the agent who answered.
 */
export async function addFollowup(
  ctx: AppContext,
  actor: Actor,
  input: AddFollowupInput,
): Promise<{ followupId: number; status: string }> {
  const body = input.body.trim();
  if (!body && !input.files?.length) {
    throw new AppError('invalid', 'validation.followupEmpty', {
      fields: { body: 'validation.followupEmpty' },
    });
  }
  const visibility = input.visibility ?? 'public';
  if (visibility === 'private' && !canSeePrivateNotes(actor))
    throw new AppError('forbidden', 'errors.forbidden');

  return ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, input.ticketId, actor, 'contribute');
    if (!acceptsFollowups(t.status)) throw new AppError('conflict', 'errors.ticketClosed');
    const by = actorId(actor);
    const followupId = await writeFollowup(ctx, trx, {
      ...input,
      body,
      ticketId: t.id,
      authorId: by,
      kind: visibility === 'private' ? 'note' : 'comment',
      visibility,
    });
    const bySupport = isStaff(actor) || input.alreadySent === true;
    const answersPending = t.status === 'pending' && !bySupport && visibility === 'public';
    const takesNew = t.status === 'new' && bySupport && visibility === 'public';
    const assignee = takesNew && t.assignee_id == null && isStaff(actor) ? by : null;
    const status = answersPending
      ? nextStatus('customer_reply', t.status, actor, { hasAssignee: t.assignee_id != null })
      : takesNew
        ? 'in_progress'
        : t.status;
    const now = nowOf(ctx);
    await trx('tickets')
      .where({ id: t.id })
      .update({ status, updated_at: now, ...(assignee !== null ? { assignee_id: assignee } : {}) });
    const source = input.source ?? 'web';
    const clocks = await followClocks(trx, {
      before: t,
      status,
      answeredBySupport: bySupport && visibility === 'public',
      now,
    });
    await recordHistory(trx, {
      ticketId: t.id,
      actorId: by,
      kind: visibility === 'private' ? 'note' : 'followup',
      fromStatus: t.status,
      toStatus: status,
      followupId,
      data: { source, ...clocks },
    });
    if (assignee !== null)
      await recordHistory(trx, {
        ticketId: t.id,
        actorId: by,
        kind: 'assigned',
        fromStatus: status,
        toStatus: status,
        data: { assigneeId: assignee, firstAnswer: true },
      });
    // A customer's public follow-up reaches the agents by a row of its own, shared by a burst (one mail).
    const agentsLater = visibility === 'public' && !bySupport;
    await writeOutbox(trx, [
      {
        event: 'ticket.followup',
        ticketId: t.id,
        actorId: by,
        payload: {
          followupId,
          visibility,
          fromStatus: t.status,
          toStatus: status,
          source,
          ...(input.alreadySent ? { alreadySent: true } : {}),
          ...(agentsLater ? { agentsLater: true } : {}),
        },
      },
    ]);
    if (agentsLater)
      await notifyAgentsOfFollowup(ctx, trx, {
        ticketId: t.id,
        followupId,
        actorId: by,
        fromStatus: t.status,
        toStatus: status,
        source,
      });
    return { followupId, status };
  });
}
