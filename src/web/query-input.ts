import { z } from 'zod';
import type { WebContext } from './context.js';

// Control characters (NUL and the like) have no place in a search box; Postgres refuses NUL outright.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
const text = z
  .string()
  .max(4000)
  .refine((v) => !CONTROL.test(v));

/**
 * One query-string parameter as text ('' when absent). A repeated parameter, or one with control characters,
 * is a bad request: answered with the 400 page rather than passed on to the database.
 */
export function queryText(ctx: WebContext, name: string): string {
  const v = ctx.query[name];
  if (v === undefined) return '';
  const r = text.safeParse(v);
  if (!r.success) ctx.throw(400);
  return r.data;
}

/** A paging cursor parameter: null when absent, 400 when it is not one the list itself made. */
export function queryCursor(ctx: WebContext, name: string, isCursor: (c: string) => boolean): string | null {
  const v = queryText(ctx, name);
  if (!v) return null;
  if (!isCursor(v)) ctx.throw(400);
  return v;
}
