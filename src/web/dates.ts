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

const wallClock = (ms: number, tz: string): number => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(ms)
      .map((x) => [x.type, Number(x.value)]),
  );
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
};

/** The user's time zone (the installation's for visitors). */
export const timeZoneOf = (ctx: WebContext): string =>
  ctx.state.user?.time_zone ?? ctx.state.s.config.DEFAULT_TIME_ZONE;

/**
 * A `datetime-local` value (YYYY-MM-DDTHH:mm, wall-clock time in `tz`) as an instant; null when empty,
 * undefined when it is not such a value.
 */
export function parseDateTimeInput(value: string, tz: string): Date | null | undefined {
  if (!value.trim()) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(asUtc)) return undefined;
  // The zone's offset at that moment (twice: the first guess may sit across a daylight-saving change).
  let ms = asUtc - (wallClock(asUtc, tz) - asUtc);
  ms = asUtc - (wallClock(ms, tz) - ms);
  return new Date(ms);
}

/** An instant as a `datetime-local` value in `tz`. */
export const dateTimeInputValue = (d: Date, tz: string): string =>
  new Date(wallClock(d.getTime(), tz)).toISOString().slice(0, 16);
