import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { field } from './body.js';
import type { WebContext } from './context.js';

/**
 * The one edge for what a request carries: path parameters, query string and form fields each go through a
 * zod schema before a handler uses them. A schema's error message is the i18n key shown on the form field.
 */

type Shape = z.ZodRawShape;
type Parsed<S extends Shape> = z.output<z.ZodObject<S>>;

/** The text fields of the parsed form, as typed: what a form re-renders with. */
export const formValues = (ctx: WebContext, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, field(ctx, n)]));

/** A form's fields: one that does not pass is an 'invalid' error on that field (the form comes back). */
export function formInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const r = z.object(shape).safeParse(formValues(ctx, Object.keys(shape)));
  if (r.success) return r.data;
  const fields = Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
  throw new AppError('invalid', 'validation.fixFields', { fields });
}

/** Path parameters: one that does not pass names no page (404). */
export function paramsInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const r = z.object(shape).safeParse(ctx.params ?? {});
  if (r.success) return r.data;
  throw new AppError('not_found', 'portal:errors.pageNotFound');
}

/** Query parameters: a malformed one is a bad request (400); give a schema `.catch()` to fall back instead. */
export function queryInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const r = z.object(shape).safeParse(ctx.query);
  if (r.success) return r.data;
  return ctx.throw(400);
}

/** A free text field ('' when absent). */
export const text = z.string().default('');

/** A checkbox sending '1'. */
export const flag = z
  .string()
  .optional()
  .transform((v) => v === '1');

const DIGITS = /^\d{1,15}$/;

/** A row id in a path: a positive integer. */
export const pathId = z
  .string()
  .regex(DIGITS)
  .transform(Number)
  .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));

/** An optional positive integer in the query string (a page number): null when absent or malformed. */
export const queryInt = pathId.nullable().catch(null);

/** A token of a mailed link (checked by its use case). */
export const pathToken = z.string().default('');

/** An optional id field of a form: null when empty, the message key when it is not an id. */
export const optionalId = (error: string) =>
  z
    .string()
    .default('')
    .refine((v) => v === '' || (DIGITS.test(v) && Number(v) > 0), { error })
    .transform((v) => (v === '' ? null : Number(v)));

/** One of a closed list of values. */
export const oneOf = <const T extends readonly string[]>(values: T, error: string) =>
  z.enum(values, { error });

/** One of a closed list of values, or absent (undefined) when left empty. */
export const optionalOneOf = <const T extends readonly string[]>(values: T, error: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), oneOf(values, error).optional());

/** A query parameter that falls back to `fallback` when absent or not one of `values`. */
export const queryChoice = <const T extends readonly string[]>(values: T, fallback: T[number]) =>
  z.enum(values).catch(fallback);
