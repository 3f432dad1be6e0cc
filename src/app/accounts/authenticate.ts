import { AppError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { hashPassword, verifyPassword } from './passwords.js';

// Verified against when the address is unknown, so both answers take the same time.
let dummyHash: Promise<string> | null = null;

export interface PasswordPolicy {
  /** False (STAFF_PASSWORD_LOGIN=off): agents and admins sign in only through single sign-on. */
  staffPasswordLogin: boolean;
}

/**
 * Checks credentials; one generic error whatever went wrong (no hint whether the account exists). A staff
 * account refused by the policy is told so only once its password is right (the error's `language` param is the
 * account's, for the message), so the refusal says nothing to whoever does not know the password.
 */
export async function authenticate(
  ctx: AppContext,
  email: string,
  password: string,
  policy: PasswordPolicy = { staffPasswordLogin: true },
): Promise<number> {
  dummyHash ??= hashPassword('izardesk-timing-equaliser-1');
  const user = await ctx
    .db('users')
    .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
    .andWhere({ active: true })
    .first('id', 'password_hash', 'role', 'language');
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
  if (!user?.password_hash || !ok) throw new AppError('unauthorized', 'portal:login.failed');
  if (user.role !== 'customer' && !policy.staffPasswordLogin)
    throw new AppError('forbidden', 'sso:passwordOff', { params: { language: user.language } });
  await ctx.db('users').where({ id: user.id }).update({ last_login_at: new Date() });
  return user.id as number;
}
