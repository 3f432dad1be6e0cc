import { describe, expect, it } from 'vitest';
import { addDays, dayOf, startOfDay } from '../../src/domain/zoned-time.js';

describe('calendar days in a time zone', () => {
  it('starts a day at local midnight, on both sides of the DST changes', () => {
    // Madrid: CEST (+2) until 25 Oct 2026 03:00, CET (+1) until 28 Mar 2027 02:00.
    expect(startOfDay('2026-10-25', 'Europe/Madrid').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfDay('2026-10-26', 'Europe/Madrid').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(startOfDay('2027-03-28', 'Europe/Madrid').toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(startOfDay('2027-03-29', 'Europe/Madrid').toISOString()).toBe('2027-03-28T22:00:00.000Z');
    expect(startOfDay('2026-12-02', 'UTC').toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(startOfDay('2026-12-02', 'America/New_York').toISOString()).toBe('2026-12-02T05:00:00.000Z');
  });

  it('names the day of an instant and counts days across month and year ends', () => {
    expect(dayOf(new Date('2026-11-01T23:30:00Z'), 'Europe/Madrid')).toBe('2026-11-02');
    expect(dayOf(new Date('2026-11-01T23:30:00Z'), 'UTC')).toBe('2026-11-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2026-11-30', -29)).toBe('2026-11-01');
  });
});
