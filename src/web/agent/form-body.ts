import { z } from 'zod';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { WebContext } from '../context.js';

/** A one-value text field ('' when absent); a repeated value keeps the first, as `field` does. */
export const oneText = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')));

/** A field sent once per ticked box or chosen option (absent: none). */
export const manyTexts = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** A ticked checkbox (value "1"). */
export const ticked = oneText.transform((v) => v === '1');

/** An optional id chosen in a select: null when empty; anything else but digits is the field's error. */
export const optionalId = (errorKey: string) =>
  oneText.pipe(
    z
      .string()
      .regex(/^(\d{1,15})?$/, errorKey)
      .transform((v) => (v ? Number(v) : null)),
  );

/** Messages set in the schemas are i18n keys; zod's own (a nested or odd value) get a plain one. */
const messageKey = (m: string) => (/^[a-z]+[:.][a-zA-Z.]+$/.test(m) ? m : 'agent:routing.invalidValue');

/** The form body read by a zod schema; what does not fit is the form's error, each field with its own key. */
export function formBody<T extends z.ZodTypeAny>(ctx: WebContext, schema: T): z.output<T> {
  const r = schema.safeParse(ctx.request.body ?? {});
  if (r.success) return r.data;
  const fields: FieldErrors = {};
  for (const issue of r.error.issues) fields[String(issue.path[0] ?? 'form')] ??= messageKey(issue.message);
  throw new AppError('invalid', 'validation.fixFields', { fields });
}
