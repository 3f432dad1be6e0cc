import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { readEmailChangeToken } from '../links.js';
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
): Promise<{ pendingEmail: string | null }> {
  const fields: FieldErrors = {};
  const name = input.name.trim();
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

/** Applies a confirmed email change; the link is refused when expired or the address was taken meanwhile. */
export async function confirmEmailChange(ctx: AppContext, secret: string, token: string): Promise<number> {
  const r = readEmailChangeToken(secret, token);
  if (!r) throw new AppError('not_found', 'portal:profile.emailLinkInvalid');
  return ctx.db.transaction(async (trx) => {
    const taken = await trx('users')
      .whereRaw('lower(email) = ?', [r.newEmail])
      .whereNot({ id: r.userId })
      .first('id');
    const n = taken
      ? 0
      : await trx('users')
          .where({ id: r.userId, active: true })
          .update({ email: r.newEmail, email_verified_at: new Date(), updated_at: new Date() });
    if (!n) throw new AppError('not_found', 'portal:profile.emailLinkInvalid');
    return r.userId;
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
