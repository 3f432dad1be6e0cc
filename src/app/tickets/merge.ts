import { AppError } from '../../domain/errors.js';
import { type Actor, isStaff, nextStatus } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import type { AppContext } from '../context.js';
import { recordHistories } from '../history.js';
import { writeOutbox } from '../outbox.js';
import { linkTickets } from '../ticket-links.js';

const field = (key: string) => new AppError('invalid', key, { fields: { target: key } });

/**
 * Staff merges a duplicate ticket into another of the same requester, in one transaction: the duplicate's
 * conversation (follow-ups with their history rows and files, its description as a follow-up, the mails it
 * received) moves to the target; the duplicate is closed and linked `merged_into` the target; both tickets get
 * a history row; the requester is mailed the reference to use from now on. The duplicate keeps its own status
 * history. Later replies to its old mails land on the target (src/ingest/match.ts follows the link).
 */
export async function mergeTicket(
  ctx: AppContext,
  actor: Actor,
  input: { ticketId: number; intoTicketId: number },
): Promise<{ ticketId: number }> {
  if (!isStaff(actor)) throw new AppError('forbidden', 'errors.forbidden');
  const { ticketId: from, intoTicketId: into } = input;
  if (from === into) throw field('agent:merge.sameTicket');
  return ctx.db.transaction(async (trx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock.
    const rows = await trx('tickets').whereIn('id', [from, into]).orderBy('id').forUpdate().select('*');
    const dup = rows.find((r) => r.id === from);
    const target = rows.find((r) => r.id === into);
    if (!dup) throw new AppError('not_found', 'errors.ticketNotFound');
    if (!target) throw field('agent:merge.targetNotFound');
    if (target.status === 'closed') throw field('agent:merge.targetClosed');
    if (target.requester_id !== dup.requester_id) throw field('agent:merge.otherRequester');
    const to = nextStatus('close', dup.status, actor, { hasAssignee: dup.assignee_id != null });
    const by = actorId(actor);
    const now = new Date();

    // The duplicate's description, dated when it was written, with the files it came with.
    const [desc] = await trx('followups')
      .insert({
        ticket_id: into,
        author_id: dup.requester_id,
        kind: 'comment',
        visibility: 'public',
        body: `${dup.title}\n\n${dup.description}`,
        source: dup.source,
        created_at: dup.created_at,
      })
      .returning('id');
    const descId = desc.id as number;
    await trx('attachments')
      .where({ ticket_id: from })
      .whereNull('followup_id')
      .update({ followup_id: descId });
    await trx('attachments').where({ ticket_id: from }).update({ ticket_id: into });
    await trx('followups').where({ ticket_id: from }).whereNot({ id: descId }).update({ ticket_id: into });
    await trx('ticket_events')
      .where({ ticket_id: from })
      .whereNotNull('followup_id')
      .update({ ticket_id: into });
    // The mails it received thread the customer's answers on the target (outbound headers read them by ticket).
    await trx('inbound_mails')
      .where({ ticket_id: from })
      .whereNotNull('message_id')
      .update({ ticket_id: into });

    await trx('tickets').where({ id: from }).update({ status: to, closed_at: now, updated_at: now });
    await trx('tickets').where({ id: into }).update({ updated_at: now });
    await linkTickets(trx, [{ ticketId: from, otherTicketId: into, kind: 'merged_into' }]);
    await recordHistories(trx, [
      { ticketId: from, actorId: by, kind: 'merged', fromStatus: dup.status, toStatus: to, data: { into } },
      {
        ticketId: into,
        actorId: by,
        kind: 'linked',
        fromStatus: target.status,
        toStatus: target.status,
        followupId: descId,
        data: { kind: 'merged_from', ticketId: from },
      },
    ]);
    await writeOutbox(trx, [
      {
        event: 'ticket.merged',
        ticketId: into,
        actorId: by,
        payload: { mergedFrom: from, fromStatus: target.status, toStatus: target.status },
      },
    ]);
    return { ticketId: into };
  });
}
