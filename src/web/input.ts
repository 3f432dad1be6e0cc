import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { field } from './body.js';
import type { WebContext } from './context.js';

/**
 * The one edge for what a request carries: path parameters, query string and form fields each go through a
 * zod schema before a handler uses them. A schema's error message is the i18n key shown on the form field.
 * Build schemas once, as module constants: making one costs a zod schema hundreds of microseconds.
 */

type Shape = Record<string, z.ZodType>;
type Parsed<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/**
 * Each field through its own schema. Not one z.object per request: zod compiles an object schema on its first
 * parse, about a millisecond, which a schema built per call pays every time.
 */
function parseShape<S extends Shape>(
  shape: S,
  input: Record<string, unknown>,
): { data: Parsed<S>; errors: Record<string, string> } {
  const data: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const r = schema.safeParse(input[name]);
    if (r.success) data[name] = r.data;
    else errors[name] = r.error.issues[0]?.message ?? 'validation.fixFields';
  }
  return { data: data as Parsed<S>, errors };
}

/** The text fields of the parsed form, as typed: what a form re-renders with. */
export const formValues = (ctx: WebContext, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, field(ctx, n)]));

/** A form's fields: one that does not pass is an 'invalid' error on that field (the form comes back). */
export function formInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const { data, errors } = parseShape(shape, formValues(ctx, Object.keys(shape)));
  if (Object.keys(errors).length === 0) return data;
  throw new AppError('invalid', 'validation.fixFields', { fields: errors });
}

/** Path parameters: one that does not pass names no page (404). */
export function paramsInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const { data, errors } = parseShape(shape, ctx.params ?? {});
  if (Object.keys(errors).length === 0) return data;
  throw new AppError('not_found', 'portal:errors.pageNotFound');
}

/** Query parameters: a malformed one is a bad request (400); give a schema `.catch()` to fall back instead. */
export function queryInput<S extends Shape>(ctx: WebContext, shape: S): Parsed<S> {
  const { data, errors } = parseShape(shape, ctx.query);
  if (Object.keys(errors).length === 0) return data;
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

/** The path of a page about one row: `/…/:id`. */
export const idPath = { id: pathId };

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
