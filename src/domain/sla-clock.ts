/**
 * The SLA clock as plain functions: business time of a calendar (opening hours per weekday in a time zone,
 * closed days, or always open), minus pauses. Instants are Dates; local days and hours are the calendar's zone,
 * read with Intl, so daylight-saving changes come from the zone data (a 09:00–18:00 day is 9 hours on both sides
 * of a change, and 24/7 counts the real elapsed time).
 */
import { partsFormat } from './zoned-time.js';

/** Opening hours: [from, to) in minutes since local midnight (to may be 1440, the end of the day). */
export type OpeningSpan = readonly [number, number];

export interface BusinessCalendar {
  timeZone: string;
  /** Open every minute (outages): hours and closed days do not apply. */
  alwaysOpen: boolean;
  /** By ISO weekday, 1 Monday … 7 Sunday; a missing day is closed. */
  hours: Readonly<Partial<Record<number, readonly OpeningSpan[]>>>;
  /** A local date ('YYYY-MM-DD') closed all day: a public holiday or an extra closed day. */
  isClosedDay(date: string): boolean;
}

/** A time the clock did not run (waiting for the customer); `to` null: still paused. */
export interface Pause {
  from: Date;
  to: Date | null;
}

const MINUTE = 60_000;
/** A calendar with no opening at all would make the search endless: give up after this many days. */
const MAX_DAYS = 3 * 366;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time of an instant in a zone. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const out: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(ms))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** How far the zone is ahead of UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const l = localTime(ms, timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * Every clock of every ticket walks the same opening hours of the same days, and each instant costs four
 * Intl calls: the answers are kept (exact keys, so nothing is approximated), a bounded number of them.
 */
const instants = new Map<string, number>();
const MAX_INSTANTS = 20_000;

/** The instant of a local date and minute of the day (a minute in a spring-forward gap lands after it). */
export function zonedInstant(date: PlainDate, minuteOfDay: number, timeZone: string): number {
  const key = `${timeZone}|${date.year}-${date.month}-${date.day}|${minuteOfDay}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = wall - offsetAt(wall, timeZone);
  const second = offsetAt(first, timeZone);
  if (instants.size >= MAX_INSTANTS) instants.clear();
  instants.set(key, wall - second);
  return wall - second;
}

export interface PlainDate {
  year: number;
  month: number;
  day: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const isoDate = (d: PlainDate): string => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

const nextDate = (d: PlainDate): PlainDate => {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
};

/** ISO weekday, 1 Monday … 7 Sunday. */
const weekday = (d: PlainDate): number => {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
};

/** The calendar's open spans from `fromMs` on, in order, as [start, end) instants. */
function* openSpans(cal: BusinessCalendar, fromMs: number): Generator<[number, number]> {
  if (cal.alwaysOpen) {
    yield [fromMs, Number.POSITIVE_INFINITY];
    return;
  }
  const l = localTime(fromMs, cal.timeZone);
  let date: PlainDate = { year: l.year, month: l.month, day: l.day };
  for (let i = 0; i < MAX_DAYS; i++) {
    if (!cal.isClosedDay(isoDate(date))) {
      for (const [a, b] of cal.hours[weekday(date)] ?? []) {
        const start = zonedInstant(date, a, cal.timeZone);
        const end =
          b >= 1440 ? zonedInstant(nextDate(date), 0, cal.timeZone) : zonedInstant(date, b, cal.timeZone);
        if (end > fromMs && end > start) yield [Math.max(start, fromMs), end];
      }
    }
    date = nextDate(date);
  }
  throw new Error('SLA calendar has no opening hours');
}

/** Pauses as sorted, merged [from, to) instants; an open pause runs forever. */
function pauseSpans(pauses: readonly Pause[]): [number, number][] {
  const spans = pauses
    .map((p): [number, number] => [p.from.getTime(), p.to ? p.to.getTime() : Number.POSITIVE_INFINITY])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** The spans the clock runs in: open spans minus pauses. */
function* runningSpans(
  cal: BusinessCalendar,
  fromMs: number,
  pauses: readonly Pause[],
): Generator<[number, number]> {
  const paused = pauseSpans(pauses);
  for (const [a, b] of openSpans(cal, fromMs)) {
    let start = a;
    for (const [pa, pb] of paused) {
      if (pb <= start || pa >= b) continue;
      if (pa > start) yield [start, pa];
      start = Math.max(start, pb);
      if (start >= b) break;
    }
    if (start < b) yield [start, b];
    // An endless pause after this point: the clock never runs again.
    if (paused.some(([pa, pb]) => pb === Number.POSITIVE_INFINITY && pa <= b)) return;
  }
}

/** The instant at which `ms` of business time will have run from `start` (start itself for 0). */
export function addBusinessMs(
  cal: BusinessCalendar,
  start: Date,
  ms: number,
  pauses: readonly Pause[] = [],
): Date | null {
  if (ms <= 0) return start;
  let left = ms;
  for (const [a, b] of runningSpans(cal, start.getTime(), pauses)) {
    if (b - a >= left) return new Date(a + left);
    left -= b - a;
  }
  return null;
}

/**
 * The due instant of `minutes` business minutes from `start`, skipping pauses; null when a pause that has not
 * ended stops the clock before then.
 */
export const dueAt = (
  cal: BusinessCalendar,
  start: Date,
  minutes: number,
  pauses: readonly Pause[] = [],
): Date | null => addBusinessMs(cal, start, minutes * MINUTE, pauses);

/** Business time run between two instants (0 when `to` is not after `from`), in ms. */
export function businessMsBetween(
  cal: BusinessCalendar,
  from: Date,
  to: Date,
  pauses: readonly Pause[] = [],
): number {
  const end = to.getTime();
  let total = 0;
  for (const [a, b] of runningSpans(cal, from.getTime(), pauses)) {
    if (a >= end) break;
    total += Math.min(b, end) - a;
  }
  return total;
}

/** Whole business minutes between two instants. */
export const businessMinutesBetween = (
  cal: BusinessCalendar,
  from: Date,
  to: Date,
  pauses: readonly Pause[] = [],
): number => Math.floor(businessMsBetween(cal, from, to, pauses) / MINUTE);

/** Business time from `at` to `due`: positive while the due instant is ahead, negative once it is past. */
export const businessMsLeft = (cal: BusinessCalendar, at: Date, due: Date): number =>
  at.getTime() <= due.getTime() ? businessMsBetween(cal, at, due) : -businessMsBetween(cal, due, at);

/**
 * An instant `ms` of business time before `end`: where a clock that has already overrun by that much was due.
 * Business time is never more than wall-clock time, so the search widens back from `end - ms` until enough has
 * run, then narrows to the second and finishes exactly inside the open span it lands in.
 */
export function subtractBusinessMs(cal: BusinessCalendar, end: Date, ms: number): Date {
  const e = end.getTime();
  const run = (from: number) => businessMsBetween(cal, new Date(from), end);
  let hi = e - ms;
  if (ms <= 0 || run(hi) >= ms) return new Date(hi);
  let lo = hi;
  for (let width = Math.max(ms, 3_600_000); run(lo) < ms; width *= 2) {
    if (e - lo > MAX_DAYS * 86_400_000) return new Date(lo);
    hi = lo;
    lo = e - ms - width;
  }
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (run(mid) >= ms) lo = mid;
    else hi = mid;
  }
  return new Date(lo + (run(lo) - ms));
}

/** `ms` of business time after `at`, or before it when negative (null: a calendar that never opens again). */
export const shiftBusinessMs = (cal: BusinessCalendar, at: Date, ms: number): Date | null =>
  ms >= 0 ? addBusinessMs(cal, at, ms) : subtractBusinessMs(cal, at, -ms);
