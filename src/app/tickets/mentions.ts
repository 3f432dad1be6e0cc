import { findReferences } from '../../domain/reference.js';
import type { AppContext } from '../context.js';
import { recordHistories } from '../history.js';
import { linkTickets } from '../ticket-links.js';

/** More references than this in one mail is a list, not a mention worth linking each. */
const MAX_MENTIONS = 20;

/**
 * A mail on a ticket names other tickets by reference (`IZL-000001`): each existing one is linked as `mentions`
 * (agents see it on both tickets; customers never do) and gets a history row. The ticket itself, and a ticket
 * already linked to it (the closed one a reply continues), is no mention.
 * Returns the ids linked.
 */
export async function recordMentions(
  ctx: AppContext,
  input: { ticketId: number; actorId: number | null; text: string },
): Promise<number[]> {
  const named = findReferences(ctx.ticketPrefix, input.text)
    .filter((id) => id !== input.ticketId)
    .slice(0, MAX_MENTIONS);
  if (!named.length) return [];
  return ctx.db.transaction(async (trx) => {
    const found: { id: number }[] = await trx('tickets').whereIn('id', named).select('id');
    const already = new Set(
      (
        await trx('ticket_links')
          .where((w) =>
            w
              .where((x) => x.where('ticket_id', input.ticketId).whereIn('other_ticket_id', named))
              .orWhere((x) => x.where('other_ticket_id', input.ticketId).whereIn('ticket_id', named)),
          )
          .select('ticket_id', 'other_ticket_id')
      ).map((r) => Number(r.ticket_id === input.ticketId ? r.other_ticket_id : r.ticket_id)),
    );
    const ids = found.map((r) => Number(r.id)).filter((id) => !already.has(id));
    if (!ids.length) return [];
    await linkTickets(
      trx,
      ids.map((id) => ({ ticketId: input.ticketId, otherTicketId: id, kind: 'mentions' as const })),
    );
    await recordHistories(
      trx,
      ids.map((id) => ({
        ticketId: id,
        actorId: input.actorId,
        kind: 'mentioned' as const,
        data: { ticketId: input.ticketId },
      })),
    );
    return ids;
  });
}
