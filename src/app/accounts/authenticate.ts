import { AppError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { hashPassword, verifyPassword } from './passwords.js';

// Verified against when the address is unknown, so both answers take the same time.
let dummyHash: Promise<string> | null = null;

/** Checks credentials; one generic error whatever went wrong (no hint whether the account exists). */
export async function authenticate(ctx: AppContext, email: string, password: string): Promise<number> {
  dummyHash ??= hashPassword('izardesk-timing-equaliser-1');
  const user = await ctx
    .db('users')
    .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
    .andWhere({ active: true })
    .first('id', 'password_hash');
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
  if (!user?.password_hash || !ok) throw new AppError('unauthorized', 'portal:login.failed');
  await ctx.db('users').where({ id: user.id }).update({ last_login_at: new Date() });
  return user.id as number;
}
