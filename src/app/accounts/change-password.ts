import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { matchesPassword, readResetToken } from '../links.js';
import { writeOutbox } from '../outbox.js';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.js';

/** What is wrong with a new password and its confirmation, every field at once (the form shows them all). */
function newPasswordProblems(password: string, confirm: string): FieldErrors {
  const fields: FieldErrors = {};
  const problem = passwordProblems(password);
  if (problem) fields.password = problem;
  if (password !== confirm) fields.confirm = 'portal:password.mismatch';
  return fields;
}

function refuseIfAny(fields: FieldErrors): void {
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
}

function checkNew(password: string, confirm: string): void {
  refuseIfAny(newPasswordProblems(password, confirm));
}

/** The signed-in user changes their password (the current one is required); clears a forced change. */
export async function changePassword(
  ctx: AppContext,
  userId: number,
  input: { current: string; password: string; confirm: string },
): Promise<void> {
  const user = await ctx.db('users').where({ id: userId, active: true }).first('password_hash');
  const fields = newPasswordProblems(input.password, input.confirm);
  if (!user || !(await verifyPassword(user.password_hash ?? '', input.current)))
    fields.current = 'portal:password.currentWrong';
  else if (!fields.password && input.password === input.current)
    fields.password = 'portal:password.sameAsOld';
  refuseIfAny(fields);
  await ctx
    .db('users')
    .where({ id: userId })
    .update({
      password_hash: await hashPassword(input.password),
      must_change_password: false,
      updated_at: new Date(),
    });
}

/**
 * Asks for a reset link. The mail worker signs the link at send time; the answer is the same whether or not
 * the address is known, so nothing is written for an unknown one.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  const user = await ctx
    .db('users')
    .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
    .andWhere({ active: true })
    .first('id');
  if (!user) return;
  await ctx.db.transaction((trx) =>
    writeOutbox(trx, [{ event: 'account.password_reset', actorId: user.id, payload: { userId: user.id } }]),
  );
}

/** The user of a reset token still usable: signed, not expired, and the password unchanged since it was made. */
export async function resetTokenUser(ctx: AppContext, secret: string, token: string): Promise<number | null> {
  const r = readResetToken(secret, token);
  if (!r) return null;
  const user = await ctx.db('users').where({ id: r.userId, active: true }).first('id', 'password_hash');
  return user && matchesPassword(r.fp, user.password_hash) ? (user.id as number) : null;
}

/** Sets a new password through a reset link; the token dies with the old password hash (single use). */
export async function resetPassword(
  ctx: AppContext,
  secret: string,
  token: string,
  input: { password: string; confirm: string },
): Promise<number> {
  checkNew(input.password, input.confirm);
  const hashed = await hashPassword(input.password);
  return ctx.db.transaction(async (trx) => {
    const r = readResetToken(secret, token);
    const user = r
      ? await trx('users').where({ id: r.userId, active: true }).forUpdate().first('id', 'password_hash')
      : null;
    if (!r || !user || !matchesPassword(r.fp, user.password_hash))
      throw new AppError('not_found', 'portal:reset.linkInvalid');
    await trx('users')
      .where({ id: user.id })
      .update({ password_hash: hashed, must_change_password: false, updated_at: new Date() });
    return user.id as number;
  });
}
