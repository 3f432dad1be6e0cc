import { simpleParser } from 'mailparser';
import { AppError } from '../../domain/errors.js';
import { stripSubjectPrefixes } from '../../domain/reference.js';
import type { UploadedFile } from '../attachments.js';
import { openTicket } from '../tickets/open-ticket.js';
import type { ReleaseProcessor } from './quarantine.js';

/**
 * Release fallback while no ingest entry point is wired: opens a new ticket from the stored message for its
 * sender's account, through openTicket, with the catalog's e-mail defaults. Attachments over the limit are
 * left out (the raw message keeps them).
 */
/** The ingest's default for mail: medium when the type asks for urgency. */
const defaultUrgency = (u: readonly string[]) =>
  u.length ? (u.includes('medium') ? 'medium' : (u[0] ?? null)) : null;

export const releaseAsTicket: ReleaseProcessor = async (ctx, mail) => {
  if (!mail.raw) throw new AppError('conflict', 'agent:quarantine.noSource');
  const parsed = await simpleParser(mail.raw);
  const from = (parsed.from?.value[0]?.address ?? mail.from_address ?? '').toLowerCase();
  const user = from
    ? await ctx.db('users').whereRaw('lower(email) = ?', [from]).where({ active: true }).first('id')
    : null;
  if (!user) throw new AppError('conflict', 'agent:quarantine.unknownSender');
  const title = stripSubjectPrefixes(parsed.subject ?? mail.subject ?? '').slice(
    0,
    ctx.catalog.maxTitleLength,
  );
  const text = (parsed.text ?? '').trim();
  const files: UploadedFile[] = parsed.attachments
    .filter((a) => a.size <= ctx.catalog.maxAttachmentBytes)
    .map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, data: a.content }));
  const { ticketId } = await openTicket(
    ctx,
    { kind: 'system' },
    {
      requesterId: user.id as number,
      source: 'email',
      inboundMailId: (mail.id as number) ?? null,
      files,
      draft: {
        type: ctx.catalog.defaultEmailType,
        category: ctx.catalog.defaultEmailCategory,
        urgency: defaultUrgency(ctx.catalog.types[ctx.catalog.defaultEmailType]?.urgencies ?? []),
        serviceId: null,
        title: title || '(sin asunto)',
        description: (text || title || '-').slice(0, ctx.catalog.maxDescriptionLength),
      },
    },
  );
  return { ticketId };
};
