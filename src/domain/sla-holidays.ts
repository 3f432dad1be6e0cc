import Holidays from 'date-holidays';
import type { BusinessCalendar, OpeningSpan } from './sla-clock.js';

/** Public holidays of a country (and region), by year, as local dates: date-holidays computes them (no I/O). */
const byPlace = new Map<string, Map<number, Set<string>>>();

function publicHolidays(country: string, region: string | null, year: number): Set<string> {
  const key = `${country}-${region ?? ''}`;
  let years = byPlace.get(key);
  if (!years) {
    years = new Map();
    byPlace.set(key, years);
  }
  let days = years.get(year);
  if (!days) {
    const h = region ? new Holidays(country, region) : new Holidays(country);
    days = new Set(
      (h.getHolidays(year) || []).filter((d) => d.type === 'public').map((d) => d.date.slice(0, 10)),
    );
    years.set(year, days);
  }
  return days;
}

/** Whether date-holidays knows a country and (optional) region, e.g. ES and MD. */
export function knownHolidayPlace(country: string, region: string | null): boolean {
  const h = new Holidays();
  const countries = h.getCountries();
  if (!countries?.[country]) return false;
  return !region || Boolean(h.getStates(country)?.[region]);
}

/** A calendar as stored: opening hours, time zone, where its public holidays come from, extra closed days. */
export interface CalendarSpec {
  timeZone: string;
  alwaysOpen: boolean;
  hours: Partial<Record<number, readonly OpeningSpan[]>>;
  holidayCountry: string | null;
  holidayRegion: string | null;
  extraClosedDays: readonly string[];
}

export function businessCalendar(spec: CalendarSpec): BusinessCalendar {
  const extra = new Set(spec.extraClosedDays);
  const country = spec.holidayCountry;
  return {
    timeZone: spec.timeZone,
    alwaysOpen: spec.alwaysOpen,
    hours: spec.hours,
    isClosedDay: (date) =>
      extra.has(date) ||
      (country !== null && publicHolidays(country, spec.holidayRegion, Number(date.slice(0, 4))).has(date)),
  };
}
