import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import type { Tx } from '../../db/db.js';
import type { CannedAction } from '../../db/tables.js';
import { unknownPlaceholders } from '../../domain/canned-answer.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { isAdmin } from '../../domain/permissions.js';
import { singleLine } from '../../domain/single-line.js';
import { type Actor, isStaff } from '../../domain/ticket-status.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';

export const CANNED_ACTIONS: readonly CannedAction[] = ['none', 'pending', 'resolve'];

/** The form of a canned answer; `shared` is an admin's choice (an agent's answers are always their own). */
export const cannedAnswerSchema = z.object({
  // The name follows `#respuesta` in a mail: one word or a few, no line break, compared in lower case.
  name: singleLine.pipe(
    z
      .string()
      .min(1, 'validation.nameRequired')
      .max(60, 'agent:validation.tooLong')
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'canned:nameInvalid'),
  ),
  language: z.enum(LANGUAGES as [string, ...string[]], { message: 'agent:validation.languageInvalid' }),
  title: singleLine.pipe(z.string().min(1, 'canned:titleRequired').max(200, 'agent:validation.tooLong')),
  body: z
    .string()
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'canned:bodyRequired')
        .max(20_000, 'agent:validation.tooLong')
        .refine((v) => unknownPlaceholders(v).length === 0, 'canned:unknownPlaceholder'),
    ),
  action: z.enum(['none', 'pending', 'resolve'], { message: 'canned:actionInvalid' }),
  shared: z.boolean().default(false),
  active: z.boolean().default(true),
});
/** What a form sends: strings as typed, checked by the schema. */
export type CannedAnswerInput = Omit<z.input<typeof cannedAnswerSchema>, 'action'> & { action: string };

function check(input: CannedAnswerInput) {
  const r = cannedAnswerSchema.safeParse(input);
  if (r.success) return r.data;
  const fields: FieldErrors = {};
  for (const issue of r.error.issues) {
    const k = String(issue.path[0] ?? 'name');
    fields[k] ??= issue.message;
  }
  const unknown = unknownPlaceholders(input.body);
  throw new AppError('invalid', 'validation.fixFields', {
    fields,
    params: unknown.length ? { names: unknown.join(', ') } : {},
  });
}

const requireStaff = (actor: Actor): number => {
  if (actor.kind !== 'user' || !isStaff(actor)) throw new AppError('forbidden', 'errors.forbidden');
  return actor.id;
};

/** Admins keep the shared answers; anyone keeps their own. */
export const mayEditCannedAnswer = (actor: Actor, ownerId: number | null): boolean =>
  ownerId === null ? isAdmin(actor) : actor.kind === 'user' && actor.id === ownerId;

const nameTaken = () =>
  new AppError('conflict', 'canned:nameTaken', { fields: { name: 'canned:nameTaken' } });

const isUniqueViolation = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === '23505';

async function write<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken();
    throw e;
  }
}

/** Shared answers are the admins' (an agent's own are not audited). */
const auditShared = (
  trx: Tx,
  actor: Actor,
  action: string,
  id: number,
  v: { name: string; language: string } | null,
) =>
  recordAudit(trx, {
    actor,
    action,
    target: { type: 'canned_answer', id },
    details: v ? { name: v.name, language: v.language } : {},
  });

export async function createCannedAnswer(
  ctx: AppContext,
  actor: Actor,
  input: CannedAnswerInput,
): Promise<number> {
  const userId = requireStaff(actor);
  const v = check(input);
  if (v.shared && !isAdmin(actor)) throw new AppError('forbidden', 'errors.forbidden');
  return write(() =>
    ctx.db.transaction(async (trx) => {
      const [row] = await trx('canned_answers')
        .insert({
          name: v.name,
          language: v.language,
          title: v.title,
          body: v.body,
          action: v.action,
          owner_id: v.shared ? null : userId,
          active: v.active,
        })
        .returning('id');
      if (v.shared) await auditShared(trx, actor, 'canned.create', row.id, v);
      return row.id as number;
    }),
  );
}

export async function updateCannedAnswer(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: Omit<CannedAnswerInput, 'shared'>,
): Promise<void> {
  requireStaff(actor);
  const v = check(input);
  await write(() =>
    ctx.db.transaction(async (trx) => {
      const row = await trx('canned_answers').where({ id }).forUpdate().first('owner_id');
      if (!row || (row.owner_id !== null && !mayEditCannedAnswer(actor, row.owner_id)))
        throw new AppError('not_found', 'canned:notFound');
      if (!mayEditCannedAnswer(actor, row.owner_id)) throw new AppError('forbidden', 'errors.forbidden');
      await trx('canned_answers').where({ id }).update({
        name: v.name,
        language: v.language,
        title: v.title,
        body: v.body,
        action: v.action,
        active: v.active,
        updated_at: new Date(),
      });
      if (row.owner_id === null) await auditShared(trx, actor, 'canned.update', id, v);
    }),
  );
}

export async function deleteCannedAnswer(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  requireStaff(actor);
  await ctx.db.transaction(async (trx) => {
    const row = await trx('canned_answers').where({ id }).forUpdate().first('owner_id');
    if (!row || (row.owner_id !== null && !mayEditCannedAnswer(actor, row.owner_id)))
      throw new AppError('not_found', 'canned:notFound');
    if (!mayEditCannedAnswer(actor, row.owner_id)) throw new AppError('forbidden', 'errors.forbidden');
    await trx('canned_answers').where({ id }).delete();
    if (row.owner_id === null) await auditShared(trx, actor, 'canned.delete', id, null);
  });
}
