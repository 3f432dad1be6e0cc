const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** A zone's formatter of numeric date and time parts (24 h), made once per zone: Intl formatters are costly. */
export function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

/** The offset of `timeZone` from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = partsFormat(timeZone).formatToParts(ms);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - (ms - (ms % 1000))
  );
}

/** The instant a calendar day (YYYY-MM-DD) begins in `timeZone`, DST included. */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the first guess may differ from the offset at the answer across a DST change.
  const first = utc - offsetAt(utc, timeZone);
  return new Date(utc - offsetAt(first, timeZone));
}

/** The calendar day (YYYY-MM-DD) of an instant in `timeZone`. */
export function dayOf(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone });
    dayFormats.set(timeZone, f);
  }
  return f.format(at);
}
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
