import { simpleParser } from 'mailparser';
import { AppError, isAppError } from '../../domain/errors.js';
import { parseReference, stripSubjectPrefixes } from '../../domain/reference.js';
import { isStaff } from '../../domain/ticket-status.js';
import { actorOf } from '../actor.js';
import type { UploadedFile } from '../attachments.js';
import { addFollowup } from '../tickets/add-followup.js';
import { openTicket } from '../tickets/open-ticket.js';
import type { ReleaseProcessor } from './quarantine.js';

/** The ingest's default for mail: medium when the type asks for urgency. */
const defaultUrgency = (u: readonly string[]) =>
  u.length ? (u.includes('medium') ? 'medium' : (u[0] ?? null)) : null;

/**
 * Processes a released message through the use cases, as its sender: a follow-up on the open ticket its
 * subject names (when the sender may write on it), otherwise a new ticket with the catalog's e-mail defaults.
 * Attachments over the limit are left out (the stored raw message keeps them). Used while the ingest offers
 * no entry point for re-processing a held message.
 */
export const releaseAsTicket: ReleaseProcessor = async (ctx, mail) => {
  if (!mail.raw) throw new AppError('conflict', 'agent:quarantine.noSource');
  const parsed = await simpleParser(mail.raw);
  const from = (parsed.from?.value[0]?.address ?? mail.from_address ?? '').toLowerCase();
  const user = from
    ? await ctx.db('users').whereRaw('lower(email) = ?', [from]).where({ active: true }).first()
    : null;
  if (!user) throw new AppError('conflict', 'agent:quarantine.unknownSender');
  const actor = actorOf(user);
  const subject = parsed.subject ?? mail.subject ?? '';
  const text = (parsed.text ?? '').trim();
  const files: UploadedFile[] = parsed.attachments
    .filter((a) => a.size <= ctx.catalog.maxAttachmentBytes)
    .map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, data: a.content }));
  const ticketId = parseReference(ctx.ticketPrefix, subject);
  if (ticketId !== null) {
    try {
      const out = await addFollowup(ctx, actor, {
        ticketId,
        body: text,
        files,
        source: 'email',
        inboundMailId: mail.id,
      });
      return { ticketId, followupId: out.followupId };
    } catch (err) {
      // Not theirs, or closed: a new ticket, as the ingest does.
      if (!isAppError(err) || !['not_found', 'conflict'].includes(err.code)) throw err;
    }
  }
  if (isStaff(actor)) throw new AppError('conflict', 'agent:quarantine.staffWithoutTicket');
  const title = stripSubjectPrefixes(subject).slice(0, ctx.catalog.maxTitleLength);
  const opened = await openTicket(ctx, actor, {
    source: 'email',
    inboundMailId: mail.id,
    files,
    draft: {
      type: ctx.catalog.defaultEmailType,
      category: ctx.catalog.defaultEmailCategory,
      urgency: defaultUrgency(ctx.catalog.types[ctx.catalog.defaultEmailType]?.urgencies ?? []),
      serviceId: null,
      title: title || text.split('\n')[0]?.slice(0, 80) || '-',
      description: (text || title || '-').slice(0, ctx.catalog.maxDescriptionLength),
    },
  });
  return { ticketId: opened.ticketId };
};
