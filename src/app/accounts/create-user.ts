import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { canManageAccounts, isAdmin } from '../../domain/permissions.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor, Role } from '../../domain/ticket-status.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { writeOutbox } from '../outbox.js';
import { generatePassword, hashPassword, passwordProblems } from './passwords.js';

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  companyId?: number | null;
  /** Company by name: found or created (for the CLI and imports). */
  companyName?: string | null;
  phone?: string | null;
  language?: string;
  isCompanyManager?: boolean;
  /** Given: the user keeps it. Absent: one is generated and must be changed at first login. */
  password?: string | null;
  /** Mail the user an invitation with their credentials. */
  invite?: boolean;
}

const emailSchema = z.string().trim().toLowerCase().email();

export interface CreatedUser {
  userId: number;
  /** The generated password, when one was generated (shown once to the CLI user, never stored). */
  generatedPassword: string | null;
}

export async function createUser(
  ctx: AppContext,
  actor: Actor,
  input: CreateUserInput,
): Promise<CreatedUser> {
  if (!canManageAccounts(actor)) throw new AppError('forbidden', 'errors.forbidden');
  if (input.role !== 'customer' && !isAdmin(actor)) throw new AppError('forbidden', 'errors.forbidden');
  const fields: Record<string, string> = {};
  const email = emailSchema.safeParse(input.email);
  if (!email.success) fields.email = 'validation.emailInvalid';
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  if (input.password && passwordProblems(input.password))
    fields.password = passwordProblems(input.password) as string;
  if (input.role === 'customer' && !input.companyId && !input.companyName)
    fields.company = 'validation.companyRequired';
  if (Object.keys(fields).length > 0 || !email.success)
    throw new AppError('invalid', 'validation.fixFields', { fields });

  const generated = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? (generated as string));
  const emailTaken = () =>
    new AppError('conflict', 'validation.emailTaken', { fields: { email: 'validation.emailTaken' } });
  return ctx.db
    .transaction(async (trx) => {
      const taken = await trx('users').whereRaw('lower(email) = ?', [email.data]).first('id');
      if (taken) throw emailTaken();
      let companyId = input.companyId ?? null;
      if (companyId && !(await trx('companies').where({ id: companyId }).first('id')))
        throw new AppError('invalid', 'validation.fixFields', {
          fields: { company: 'validation.companyRequired' },
        });
      if (!companyId && input.companyName) {
        const existing = await trx('companies')
          .where({ name: oneLine(input.companyName) })
          .first('id');
        companyId = existing
          ? (existing.id as number)
          : ((
              await trx('companies')
                .insert({ name: oneLine(input.companyName) })
                .returning('id')
            )[0].id as number);
      }
      const [row] = await trx('users')
        .insert({
          email: email.data,
          name,
          role: input.role,
          company_id: companyId,
          phone: input.phone ?? null,
          language: input.language ?? 'es',
          is_company_manager: input.isCompanyManager ?? false,
          password_hash: passwordHash,
          must_change_password: generated !== null,
        })
        .returning('id');
      const userId = row.id as number;
      await recordAudit(trx, {
        actor,
        action: 'user.create',
        target: { type: 'user', id: userId },
        details: { role: input.role, companyId, invite: input.invite ?? false },
      });
      if (input.invite) {
        // The mail is rendered by the outbound worker; it issues a fresh password (or link) at send time.
        await writeOutbox(trx, [
          { event: 'account.invited', actorId: actor.kind === 'user' ? actor.id : null, payload: { userId } },
        ]);
      }
      return { userId, generatedPassword: input.invite ? null : generated };
    })
    .catch((err: unknown) => {
      // Two creations of the same address at once: the unique index decides, with the same answer.
      if ((err as { constraint?: string }).constraint === 'users_email_unique') throw emailTaken();
      throw err;
    });
}
