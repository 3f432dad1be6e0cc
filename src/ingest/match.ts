import type { Tx } from '../db/db.js';
import { parseReference } from '../domain/reference.js';
import { findReplyToken, type ReplyToken } from '../domain/tokens.js';
import type { ParsedMail } from './parse.js';

export interface TicketMatch {
  ticketId: number;
  by: 'token' | 'thread' | 'subject';
  /** The signed reply token, when it names this ticket: its recipient may write on it from any address. */
  token: ReplyToken | null;
}

const exists = async (trx: Tx, id: number) => Boolean(await trx('tickets').where({ id }).first('id'));

/** Merges chain at most this far (a merged ticket merged again). */
const MAX_MERGE_HOPS = 5;

/** The ticket a merged one lives on now: the end of its `merged_into` links (itself when never merged). */
async function mergedTarget(trx: Tx, id: number): Promise<number> {
  let at = id;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const next = await trx('ticket_links')
      .where({ ticket_id: at, kind: 'merged_into' })
      .first('other_ticket_id');
    if (!next) break;
    at = Number(next.other_ticket_id);
  }
  return at;
}

/**
 * The ticket a message belongs to, in the contract's order: a signed reply token (To/Cc/Delivered-To, In-Reply-To,
 * References), then In-Reply-To/References against the Message-IDs we sent or received, then the subject reference.
 * A ticket merged into another gives way to that one: a reply to the old thread lands where the talk went on.
 */
export async function matchTicket(
  trx: Tx,
  m: ParsedMail,
  opts: { secret: string; ticketPrefix: string },
): Promise<TicketMatch | null> {
  const found = await matchOwnTicket(trx, m, opts);
  if (!found) return null;
  const target = await mergedTarget(trx, found.ticketId);
  if (target === found.ticketId) return found;
  // The token named the merged ticket for its recipient; the merge moved its conversation, and the token with it.
  return { ...found, ticketId: target, token: found.token ? { ...found.token, ticketId: target } : null };
}

async function matchOwnTicket(
  trx: Tx,
  m: ParsedMail,
  opts: { secret: string; ticketPrefix: string },
): Promise<TicketMatch | null> {
  const threadIds = [...(m.inReplyTo ? [m.inReplyTo] : []), ...m.references.slice().reverse()];
  const token = findReplyToken(opts.secret, [...m.recipients, ...threadIds].join(' '));
  if (token && (await exists(trx, token.ticketId))) return { ticketId: token.ticketId, by: 'token', token };
  if (threadIds.length) {
    const sent = await trx('deliveries')
      .whereIn('message_id', threadIds)
      .whereNotNull('ticket_id')
      .first('ticket_id');
    if (sent?.ticket_id) return { ticketId: sent.ticket_id, by: 'thread', token: null };
    const received = await trx('inbound_mails')
      .whereIn('message_id', threadIds)
      .whereNotNull('ticket_id')
      .first('ticket_id');
    if (received?.ticket_id) return { ticketId: received.ticket_id, by: 'thread', token: null };
  }
  const ref = parseReference(opts.ticketPrefix, m.subject);
  if (ref && (await exists(trx, ref))) return { ticketId: ref, by: 'subject', token: null };
  return null;
}
