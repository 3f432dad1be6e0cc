import type { ReleaseProcessor } from '../app/agent/quarantine.js';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { decide } from './decide.js';
import { type Effect, outcomeColumns } from './outcome.js';
import { readMail } from './read-mail.js';

/** Why a released message still makes no ticket, in words the quarantine page shows. */
function refusal(e: Effect): AppError {
  if (e.code === 'unknown_sender' || e.code === 'no_sender')
    return new AppError('conflict', 'agent:quarantine.unknownSender');
  if (e.code === 'agent_without_ticket')
    return new AppError('conflict', 'agent:quarantine.staffWithoutTicket');
  // The use case's own message key, after "#command: " when an agent command was refused.
  if (e.code === 'effect_refused') return new AppError('conflict', e.text.replace(/^#\w+: /, ''));
  return new AppError('conflict', 'agent:quarantine.reasons.effect_refused');
}

/**
 * The ingest's processing of a held message an agent releases: its stored raw message goes through the same
 * parse → decide path as new mail, the release overriding the checks that held it (DecideContext.released).
 * The outcome is written on the held record itself. Robots and loops are refused: they stay held to be discarded.
 */
export const releaseProcessor =
  (config: Config): ReleaseProcessor =>
  async (ctx, mail) => {
    const held: { size: number | null; reason: string | null } | undefined = await ctx
      .db('inbound_mails')
      .where({ id: mail.id })
      .first('size', 'reason');
    // Over the size limit only the header block was kept.
    if (!mail.raw || (held?.size ?? 0) > config.MAIL_MAX_MESSAGE_BYTES)
      throw new AppError('conflict', 'agent:quarantine.noSource');
    const { parsed } = await readMail(mail.raw, {
      maxAttachmentBytes: config.catalog.maxAttachmentBytes,
      timeoutMs: config.MAIL_PARSE_TIMEOUT_MS,
    });
    if (!parsed) throw new AppError('conflict', 'agent:quarantine.reasons.unreadable');
    const raw = mail.raw;
    const mode = config.IMAP_SENT_MAILBOX && mail.mailbox === config.IMAP_SENT_MAILBOX ? 'sent' : 'inbox';
    return ctx.db.transaction(async (trx) => {
      const app = { ...ctx, db: trx };
      const dec = await decide({ trx, app, config, mode, recordId: mail.id, raw, released: true }, parsed);
      const e = dec.effect;
      if (e.action === 'held' || e.action === 'rejected') throw refusal(e);
      // A robot's mail never becomes a ticket, released or not: it stays held for the agent to discard.
      if (e.action === 'ignored') throw new AppError('conflict', 'agent:quarantine.robot');
      const { details, ...columns } = outcomeColumns(e, dec.role, parsed.attachments);
      await trx('inbound_mails')
        .where({ id: mail.id })
        .update({
          ...columns,
          details: trx.raw('details || ?::jsonb', [
            JSON.stringify({ ...details, heldAs: held?.reason ?? null }),
          ]),
        });
      return { ticketId: e.ticketId, followupId: e.followupId };
    });
  };
