import type { WebContext } from './context.js';

const formats = new Map<string, Intl.DateTimeFormat>();
/**
 * Formatted minutes per language|zone: Intl formatting is the costliest part of a list row. Keyed by the
 * minute number so a row costs two map lookups and no string building. Bounded.
 */
const formatted = new Map<string, Map<number, string>>();

/**
 * The one date format of every page (portal and agent area): date and time, in the user's language and time
 * zone (the installation's DEFAULT_TIME_ZONE for visitors).
 */
export function dateTime(ctx: WebContext, d: Date | string): string {
  const tz = ctx.state.user?.time_zone ?? ctx.state.s.config.DEFAULT_TIME_ZONE;
  const key = `${ctx.state.lang}|${tz}`;
  const ms = typeof d === 'string' ? Date.parse(d) : d.getTime();
  // timeStyle 'short' shows no seconds: every instant of a minute formats the same.
  const minute = Math.floor(ms / 60_000);
  let memo = formatted.get(key);
  const hit = memo?.get(minute);
  if (hit !== undefined) return hit;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(ctx.state.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz });
    formats.set(key, f);
  }
  const text = f.format(ms);
  if (!memo || memo.size >= 20_000) {
    memo = new Map();
    formatted.set(key, memo);
  }
  memo.set(minute, text);
  return text;
}
