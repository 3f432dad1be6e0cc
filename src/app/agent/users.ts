import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { isAdmin } from '../../domain/permissions.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor, Role } from '../../domain/ticket-status.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { writeOutbox } from '../outbox.js';
import { requireAccountManager } from './guards.js';

export interface UserEdit {
  name: string;
  email: string;
  phone?: string | null;
  language: string;
  role: Role;
  companyId: number | null;
  isCompanyManager: boolean;
}

const emailSchema = z.string().trim().toLowerCase().email();

/** The columns an edit writes (the audit log names those that changed). */
const EDITED = ['name', 'email', 'phone', 'language', 'role', 'company_id', 'is_company_manager'] as const;

/** Staff accounts (and making someone staff) are for admins; agents manage customers. */
function checkMayEdit(actor: Actor, currentRole: Role, nextRole: Role): void {
  requireAccountManager(actor);
  if ((currentRole !== 'customer' || nextRole !== 'customer') && !isAdmin(actor))
    throw new AppError('forbidden', 'errors.forbidden');
}

export async function updateUser(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  input: UserEdit,
): Promise<void> {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  const email = emailSchema.safeParse(input.email);
  if (!email.success) fields.email = 'validation.emailInvalid';
  if (!(LANGUAGES as readonly string[]).includes(input.language))
    fields.language = 'agent:validation.languageInvalid';
  if (input.role === 'customer' && !input.companyId) fields.company = 'validation.companyRequired';
  if (Object.keys(fields).length || !email.success)
    throw new AppError('invalid', 'validation.fixFields', { fields });
  await ctx.db.transaction(async (trx) => {
    const u = await trx('users').where({ id: userId }).forUpdate().first();
    if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
    checkMayEdit(actor, u.role, input.role);
    if (actor.kind === 'user' && actor.id === userId && input.role !== u.role)
      throw new AppError('conflict', 'agent:errors.notYourself');
    const taken = await trx('users')
      .whereRaw('lower(email) = ?', [email.data])
      .whereNot({ id: userId })
      .first('id');
    if (taken)
      throw new AppError('conflict', 'validation.emailTaken', { fields: { email: 'validation.emailTaken' } });
    if (input.companyId && !(await trx('companies').where({ id: input.companyId }).first('id')))
      throw new AppError('invalid', 'validation.fixFields', {
        fields: { company: 'validation.companyRequired' },
      });
    const newAddress = u.email.toLowerCase() !== email.data;
    const next = {
      name,
      email: email.data,
      phone: input.phone?.trim() || null,
      language: input.language,
      role: input.role,
      company_id: input.role === 'customer' ? input.companyId : null,
      is_company_manager: input.role === 'customer' && input.isCompanyManager,
    };
    await trx('users')
      .where({ id: userId })
      .update({
        // A new address gets its chance: the bounce was the old one's.
        ...(newAddress ? { bounced_at: null, bounce_reason: null } : {}),
        ...next,
        updated_at: new Date(),
      });
    // Which fields changed, not their values: a name or an address has no place in the audit log.
    const changed = EDITED.filter((k) => next[k] !== u[k]);
    if (changed.length)
      await recordAudit(trx, {
        actor,
        action: input.role !== u.role ? 'user.role_change' : 'user.update',
        target: { type: 'user', id: userId },
        details: { changed, ...(input.role !== u.role ? { from: u.role, to: input.role } : {}) },
      });
  });
}

/**
 * Deactivates (or reactivates) an account. Nothing is deleted: the user's tickets, follow-ups and history stay;
 * they just cannot sign in any more (their sessions end now) and get no mail.
 */
export async function setUserActive(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  active: boolean,
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const u = await trx('users').where({ id: userId }).forUpdate().first('id', 'role');
    if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
    checkMayEdit(actor, u.role, u.role);
    if (actor.kind === 'user' && actor.id === userId)
      throw new AppError('conflict', 'agent:errors.notYourself');
    await trx('users').where({ id: userId }).update({ active, updated_at: new Date() });
    if (!active) await trx('sessions').where({ user_id: userId }).delete();
    await recordAudit(trx, {
      actor,
      action: active ? 'user.enable' : 'user.disable',
      target: { type: 'user', id: userId },
    });
  });
}

/** Sends the invitation again (new temporary password, made by the mail worker at send time). */
export async function reinviteUser(ctx: AppContext, actor: Actor, userId: number): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const u = await trx('users').where({ id: userId }).first('id', 'role', 'active');
    if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
    checkMayEdit(actor, u.role, u.role);
    if (!u.active) throw new AppError('conflict', 'agent:errors.userInactive');
    await writeOutbox(trx, [
      { event: 'account.invited', actorId: actor.kind === 'user' ? actor.id : null, payload: { userId } },
    ]);
    // The invitation mail sets a new temporary password: staff's way of resetting one.
    await recordAudit(trx, { actor, action: 'user.password_reset', target: { type: 'user', id: userId } });
  });
}

/** Mail to the user's address works again (the mailbox was fixed): notifications resume. */
export async function clearBounce(ctx: AppContext, actor: Actor, userId: number): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const u = await trx('users').where({ id: userId }).forUpdate().first('id', 'role');
    if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
    checkMayEdit(actor, u.role, u.role);
    await trx('users')
      .where({ id: userId })
      .update({ bounced_at: null, bounce_reason: null, updated_at: new Date() });
    await recordAudit(trx, { actor, action: 'user.bounce_cleared', target: { type: 'user', id: userId } });
  });
}
