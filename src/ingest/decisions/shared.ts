import type { UploadedFile } from '../../app/attachments.js';
import { answerMailSender } from '../../app/mail-answers.js';
import { isAppError } from '../../domain/errors.js';
import { directLookups, HOUR, recentCount, type Sender } from '../lookups.js';
import type { ParsedMail } from '../parse.js';
import { mayAutoAnswer } from '../robots.js';
import type { DecideContext } from './context.js';

/** Runs one effect through a savepoint: an AppError (closed ticket, forbidden move) leaves nothing behind. */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; key: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isAppError(err)) return { ok: false, key: err.messageKey };
    throw err;
  }
}

export const lookupsOf = (ctx: DecideContext) => ctx.lookups ?? directLookups(ctx.trx);

export const isStaffRow = (u: Sender | undefined) => Boolean(u && u.role !== 'customer');

export function splitFiles(m: ParsedMail) {
  const accepted: UploadedFile[] = [];
  const refused: { name: string; size: number }[] = [];
  for (const a of m.attachments) {
    if (a.data) accepted.push({ filename: a.filename, contentType: a.contentType, data: a.data });
    else refused.push({ name: a.filename, size: a.size });
  }
  return { accepted, refused };
}

/** Tells the sender which files were too big and the limit (the rest of the message is kept). */
export async function answerTooBig(
  ctx: DecideContext,
  m: ParsedMail,
  ticketId: number | null,
  user: Sender | null,
) {
  const { refused } = splitFiles(m);
  if (!refused.length || !m.from || !(await mayAnswer(ctx, m.from.address))) return false;
  await answerMailSender(ctx.trx, {
    event: 'mail.attachment_too_big',
    payload: {
      to: m.from.address,
      name: m.from.name,
      subject: m.subject,
      inReplyTo: m.messageId,
      files: refused,
      limit: ctx.config.catalog.maxAttachmentBytes,
      ticketId,
      userId: user?.id ?? null,
    },
  });
  return true;
}

export async function mayAnswer(ctx: DecideContext, address: string): Promise<boolean> {
  if (!mayAutoAnswer(address)) return false;
  const n = await recentCount(ctx.trx, address, new Date(Date.now() - HOUR), (q) => {
    q.whereRaw("details->>'answered' = 'true'");
  });
  return n < ctx.config.MAIL_AUTO_ANSWER_LIMIT_PER_HOUR;
}
