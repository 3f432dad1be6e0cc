import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { oneLine } from '../../domain/single-line.js';
import type { AppContext } from '../context.js';
import { accountFingerprint, readEmailChangeToken, readEmailUndoToken } from '../links.js';
import { writeOutbox } from '../outbox.js';

const emailSchema = z.string().trim().toLowerCase().email();
const PHONE = /^\+?[0-9][0-9 ().-]{5,24}$/;
export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const timeZones = (): string[] => Intl.supportedValuesOf('timeZone');

export interface ProfileInput {
  name: string;
  email: string;
  phone: string;
}

/**
 * Saves name and phone at once; a new email address only takes effect once confirmed through a link sent to
 * it (outbox `account.email_change`, the mail worker signs the link).
 */
export async function updateProfile(
  ctx: AppContext,
  userId: number,
  input: ProfileInput,
  /** Whether a confirmation may be mailed to this address now (the caller's flood limit); default yes. */
  mayMail: (newEmail: string) => Promise<boolean> = async () => true,
): Promise<{ pendingEmail: string | null }> {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  const email = emailSchema.safeParse(input.email);
  if (!email.success) fields.email = 'validation.emailInvalid';
  const phone = input.phone.trim();
  if (phone && !PHONE.test(phone)) fields.phone = 'portal:profile.phoneInvalid';
  if (Object.keys(fields).length > 0 || !email.success)
    throw new AppError('invalid', 'validation.fixFields', { fields });
  return ctx.db.transaction(async (trx) => {
    const user = await trx('users').where({ id: userId }).forUpdate().first('email');
    if (!user) throw new AppError('not_found', 'errors.forbidden');
    let pendingEmail: string | null = null;
    if (email.data !== String(user.email).toLowerCase()) {
      const taken = await trx('users').whereRaw('lower(email) = ?', [email.data]).first('id');
      if (taken)
        throw new AppError('invalid', 'validation.fixFields', { fields: { email: 'validation.emailTaken' } });
      pendingEmail = email.data;
      // Over the limit, the answer is the same and no mail is sent.
      if (await mayMail(email.data))
        await writeOutbox(trx, [
          { event: 'account.email_change', actorId: userId, payload: { userId, newEmail: email.data } },
        ]);
    }
    await trx('users')
      .where({ id: userId })
      .update({ name, phone: phone || null, updated_at: new Date() });
    return { pendingEmail };
  });
}

const linkInvalid = () => new AppError('not_found', 'portal:profile.emailLinkInvalid');

/**
 * The change an email-change link asks for, while it may still be applied: signed, not expired, the account's
 * password and address unchanged since it was sent, and the new address still free.
 */
async function pendingChange(db: Db, secret: string, token: string, lock: boolean) {
  const r = readEmailChangeToken(secret, token);
  if (!r) throw linkInvalid();
  const q = db('users').where({ id: r.userId, active: true });
  const user = await (lock ? q.forUpdate() : q).first('id', 'email', 'password_hash');
  if (!user || r.fp !== accountFingerprint(user)) throw linkInvalid();
  const taken = await db('users')
    .whereRaw('lower(email) = ?', [r.newEmail])
    .whereNot({ id: r.userId })
    .first('id');
  if (taken) throw linkInvalid();
  return { userId: r.userId, oldEmail: String(user.email), newEmail: r.newEmail };
}

/** What a confirmation link would change (for the page that asks first); nothing is written. */
export async function emailChangeOf(
  ctx: AppContext,
  secret: string,
  token: string,
): Promise<{ newEmail: string }> {
  const { newEmail } = await pendingChange(ctx.db, secret, token, false);
  return { newEmail };
}

/**
 * Applies a confirmed email change (once: the link is bound to the address it replaces). The previous address is
 * told, with a link that puts it back (outbox `account.email_changed`).
 */
export async function confirmEmailChange(ctx: AppContext, secret: string, token: string): Promise<number> {
  return ctx.db.transaction(async (trx) => {
    const c = await pendingChange(trx, secret, token, true);
    await trx('users')
      .where({ id: c.userId })
      .update({ email: c.newEmail, email_verified_at: new Date(), updated_at: new Date() });
    await writeOutbox(trx, [
      {
        event: 'account.email_changed',
        actorId: c.userId,
        payload: { userId: c.userId, oldEmail: c.oldEmail, newEmail: c.newEmail },
      },
    ]);
    return c.userId;
  });
}

/** The address an undo link would put back, while it can (the account does not use it already, nobody else took it). */
async function pendingUndo(db: Db, secret: string, token: string, lock: boolean) {
  const r = readEmailUndoToken(secret, token);
  if (!r) throw linkInvalid();
  const q = db('users').where({ id: r.userId, active: true });
  const user = await (lock ? q.forUpdate() : q).first('id', 'email');
  if (!user || String(user.email).toLowerCase() === r.oldEmail.toLowerCase()) throw linkInvalid();
  const taken = await db('users')
    .whereRaw('lower(email) = ?', [r.oldEmail.toLowerCase()])
    .whereNot({ id: r.userId })
    .first('id');
  if (taken) throw linkInvalid();
  return r;
}

export async function emailUndoOf(
  ctx: AppContext,
  secret: string,
  token: string,
): Promise<{ oldEmail: string }> {
  const { oldEmail } = await pendingUndo(ctx.db, secret, token, false);
  return { oldEmail };
}

/**
 * Puts back the previous address from the link mailed to it, and signs the account out everywhere: whoever
 * changed it is out, and the owner can reset the password through her own address again.
 */
export async function undoEmailChange(
  ctx: AppContext,
  secret: string,
  token: string,
): Promise<{ userId: number; oldEmail: string }> {
  return ctx.db.transaction(async (trx) => {
    const r = await pendingUndo(trx, secret, token, true);
    await trx('users')
      .where({ id: r.userId })
      .update({ email: r.oldEmail, email_verified_at: new Date(), updated_at: new Date() });
    await trx('sessions').where({ user_id: r.userId }).del();
    return { userId: r.userId, oldEmail: r.oldEmail };
  });
}

export interface Preferences {
  language: string;
  timeZone: string;
  pageSize: string;
  /** A copy by mail of one's own actions on tickets (replaces the global NOTIFY_SELF). */
  notifySelf: boolean;
}

/** Whether the user gets a copy of their own actions: their choice, else on for customers and off for staff. */
export async function notifySelfOf(ctx: AppContext, userId: number): Promise<boolean> {
  const u = await ctx.db('users').where({ id: userId }).first('notify_self', 'role');
  return u ? (u.notify_self ?? u.role === 'customer') : false;
}

export async function updatePreferences(ctx: AppContext, userId: number, p: Preferences): Promise<void> {
  const fields: FieldErrors = {};
  if (!(LANGUAGES as readonly string[]).includes(p.language))
    fields.language = 'portal:profile.languageInvalid';
  if (!timeZones().includes(p.timeZone)) fields.timeZone = 'portal:profile.timeZoneInvalid';
  const pageSize = Number(p.pageSize);
  if (!(PAGE_SIZES as readonly number[]).includes(pageSize))
    fields.pageSize = 'portal:profile.pageSizeInvalid';
  if (Object.keys(fields).length > 0) throw new AppError('invalid', 'validation.fixFields', { fields });
  await ctx.db('users').where({ id: userId }).update({
    language: p.language,
    time_zone: p.timeZone,
    page_size: pageSize,
    notify_self: p.notifySelf,
    updated_at: new Date(),
  });
}
