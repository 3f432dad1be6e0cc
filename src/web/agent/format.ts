import { formatBytes } from '../../domain/catalog.js';
import { formatReference } from '../../domain/reference.js';
import type { WebContext } from '../context.js';
import { dateTime } from '../dates.js';

export const ref = (ctx: WebContext, id: number): string =>
  formatReference(ctx.state.s.config.TICKET_PREFIX, id);

/** A date and time in the user's language and time zone, as on every page; '' for none. */
export const when = (ctx: WebContext, d: Date | string | null): string => (d ? dateTime(ctx, d) : '');

/** "3 d", "5 h", "12 min": how long a ticket has waited. */
export function age(d: Date, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - new Date(d).getTime()) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} h`;
  return `${Math.floor(min / 1440)} d`;
}

export const bytes = formatBytes;

export const number = (ctx: WebContext, n: number): string => new Intl.NumberFormat(ctx.state.lang).format(n);
