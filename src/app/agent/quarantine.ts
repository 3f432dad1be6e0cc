import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import type { AppContext } from '../context.js';
import { requireStaff } from './guards.js';

export interface HeldMailRow {
  id: number;
  mailbox: string;
  from_address: string | null;
  subject: string | null;
  raw: Buffer | null;
}

/**
 * Processes a released message as the ingest would (new ticket or follow-up), inside the release's transaction
 * (ctx.db); writes its outcome on the held record and returns where it went. Throws an AppError to refuse.
 */
export type ReleaseProcessor = (
  ctx: AppContext,
  mail: HeldMailRow,
) => Promise<{ ticketId: number | null; followupId?: number | null }>;

const notHeld = () => new AppError('conflict', 'agent:quarantine.notHeld');

/** An agent throws a held message away. It stays in the table (and its raw source) for the record. */
export async function discardMail(ctx: AppContext, actor: Actor, mailId: number): Promise<void> {
  requireStaff(actor);
  const n = await ctx
    .db('inbound_mails')
    .where({ id: mailId, quarantine_state: 'held' })
    .update({
      quarantine_state: 'discarded',
      details: ctx.db.raw("details || jsonb_build_object('decidedBy', ?::bigint, 'decidedAt', now())", [
        actorId(actor),
      ]),
    });
  if (!n) throw notHeld();
}

/**
 * An agent releases a held message: it is claimed (so two agents cannot release it twice), processed, then
 * marked released with the ticket it landed on, all in one transaction: the processor runs on it (ctx.db is
 * the transaction), so a failure leaves the message held and nothing of its effect behind.
 */
export async function releaseMail(
  ctx: AppContext,
  actor: Actor,
  mailId: number,
  process: ReleaseProcessor,
): Promise<{ ticketId: number | null }> {
  requireStaff(actor);
  return ctx.db.transaction(async (trx) => {
    const claimed: HeldMailRow[] = await trx('inbound_mails')
      .where({ id: mailId, quarantine_state: 'held' })
      .update({ quarantine_state: 'releasing' })
      .returning(['id', 'mailbox', 'from_address', 'subject', 'raw']);
    const mail = claimed[0];
    if (!mail) throw notHeld();
    const out = await process({ ...ctx, db: trx }, mail);
    await trx('inbound_mails')
      .where({ id: mailId })
      .update({
        quarantine_state: 'released',
        ticket_id: out.ticketId,
        followup_id: out.followupId ?? null,
        details: trx.raw("details || jsonb_build_object('decidedBy', ?::bigint, 'decidedAt', now())", [
          actorId(actor),
        ]),
      });
    return { ticketId: out.ticketId };
  });
}

/** The release use case the web calls: processed by the installation's release processor (AppContext). */
export function releaseHeldMail(
  ctx: AppContext,
  actor: Actor,
  mailId: number,
): Promise<{ ticketId: number | null }> {
  const process = ctx.mailRelease;
  if (!process) throw new AppError('conflict', 'agent:quarantine.noSource');
  return releaseMail(ctx, actor, mailId, process);
}
