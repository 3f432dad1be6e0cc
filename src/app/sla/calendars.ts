import type { Tx } from '../../db/db.js';
import type { SlaCalendarRow } from '../../db/tables.js';
import type { BusinessCalendar } from '../../domain/sla-clock.js';
import { businessCalendar } from '../../domain/sla-holidays.js';

/** A stored calendar as the clock reads it. */
export const calendarOf = (row: SlaCalendarRow): BusinessCalendar =>
  businessCalendar({
    timeZone: row.time_zone,
    alwaysOpen: row.always_open,
    hours: Object.fromEntries(Object.entries(row.hours).map(([d, spans]) => [Number(d), spans])),
    holidayCountry: row.holiday_country,
    holidayRegion: row.holiday_region,
    extraClosedDays: row.extra_closed_days,
  });

/** The calendar of a policy. */
export async function policyCalendar(trx: Tx, policyId: number): Promise<BusinessCalendar | null> {
  const row = await trx('sla_policies as p')
    .join('sla_calendars as c', 'c.id', 'p.calendar_id')
    .where('p.id', policyId)
    .first<SlaCalendarRow | undefined>('c.*');
  return row ? calendarOf(row) : null;
}
