import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  businessMinutesBetween,
  dueAt,
  type Pause,
} from '../../src/domain/sla-clock.js';
import { businessCalendar } from '../../src/domain/sla-holidays.js';

/*
 * Expected values worked out by hand from a wall calendar, not from the code. Europe/Madrid is UTC+1 in winter
 * (CET) and UTC+2 in summer (CEST); summer time ended 2026-10-25 (03:00 CEST → 02:00 CET) and starts
 * 2027-03-28 (02:00 CET → 03:00 CEST). Madrid's public holidays used below: 2026-12-07 (Constitution day moved
 * from Sunday 6th), 2026-12-08, 2026-12-25, 2027-03-25 and 2027-03-26 (Holy Thursday and Good Friday).
 * Catalonia: 2026-09-11 (Diada).
 */
const MON_FRI = {
  1: [[540, 1080]],
  2: [[540, 1080]],
  3: [[540, 1080]],
  4: [[540, 1080]],
  5: [[540, 1080]],
} as const;
const cal = (o: Partial<Parameters<typeof businessCalendar>[0]> = {}): BusinessCalendar =>
  businessCalendar({
    timeZone: 'Europe/Madrid',
    alwaysOpen: false,
    hours: MON_FRI,
    holidayCountry: 'ES',
    holidayRegion: 'MD',
    extraClosedDays: [],
    ...o,
  });
/** Mon–Fri 9–18 Madrid with Madrid's holidays. */
const B = cal();
/** The same hours, no holidays at all (DST cases only). */
const N = cal({ holidayCountry: null });
/** Mon–Fri 9–18 Madrid with Catalonia's holidays. */
const CT = cal({ holidayRegion: 'CT' });
/** Every day, all day, but as opening hours (local days, so a DST day is 23 or 25 hours long). */
const FULL_DAYS = cal({
  holidayCountry: null,
  hours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [[0, 1440]]])),
});
/** Every day 01:00–05:00 local: the night of a DST change. */
const NIGHT = cal({
  holidayCountry: null,
  hours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [[60, 300]]])),
});
/** Split shift Mon–Fri 09:00–14:00 and 16:00–19:00. */
const SPLIT = cal({
  hours: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        [540, 840],
        [960, 1140],
      ],
    ]),
  ),
});
const ALWAYS = cal({ alwaysOpen: true, hours: {} });
const WITH_EXTRA = cal({ extraClosedDays: ['2026-12-09'] });

const at = (s: string) => new Date(s);
const pause = (from: string, to: string | null): Pause => ({ from: at(from), to: to ? at(to) : null });

interface DueCase {
  name: string;
  cal: BusinessCalendar;
  start: string;
  minutes: number;
  pauses?: Pause[];
  due: string | null;
}

const DUE: DueCase[] = [
  // Tue 10:00 CET + 1 h → Tue 11:00 CET.
  { name: 'within a day', cal: B, start: '2026-12-01T09:00Z', minutes: 60, due: '2026-12-01T10:00Z' },
  // Tue 17:30 + 60: 30 min Tue, 30 min Wed from 09:00 → Wed 09:30 CET.
  { name: 'over the night', cal: B, start: '2026-12-01T16:30Z', minutes: 60, due: '2026-12-02T08:30Z' },
  // Fri 17:00 + 120: 1 h Fri; Sat, Sun; Mon 7 and Tue 8 holidays; Wed 9 10:00 CET.
  {
    name: 'weekend then two holidays',
    cal: B,
    start: '2026-12-04T16:00Z',
    minutes: 120,
    due: '2026-12-09T09:00Z',
  },
  // Sat 12:00 + 30: next opening Wed 9 09:00 → 09:30 CET.
  { name: 'opened on a Saturday', cal: B, start: '2026-12-05T11:00Z', minutes: 30, due: '2026-12-09T08:30Z' },
  // Wed 07:00 + 30: clock starts at 09:00 → 09:30 CET.
  { name: 'before opening', cal: B, start: '2026-12-09T06:00Z', minutes: 30, due: '2026-12-09T08:30Z' },
  // Thu 24 17:00 + 120: 1 h Thu; Fri 25 Christmas; weekend; Mon 28 10:00 CET.
  { name: 'Christmas', cal: B, start: '2026-12-24T16:00Z', minutes: 120, due: '2026-12-28T09:00Z' },
  // Wed 09:00 + 540 (9 h) → Wed 18:00 CET, the end of the day itself.
  {
    name: 'a whole day ends at closing',
    cal: B,
    start: '2026-12-09T08:00Z',
    minutes: 540,
    due: '2026-12-09T17:00Z',
  },
  // One minute more → Thu 09:01 CET.
  {
    name: 'one minute past a day',
    cal: B,
    start: '2026-12-09T08:00Z',
    minutes: 541,
    due: '2026-12-10T08:01Z',
  },
  { name: 'zero minutes', cal: B, start: '2026-12-09T12:34Z', minutes: 0, due: '2026-12-09T12:34Z' },
  // Wed 18:00 exactly + 1 → Thu 09:01 CET.
  { name: 'at closing time', cal: B, start: '2026-12-09T17:00Z', minutes: 1, due: '2026-12-10T08:01Z' },
  // Fri 23 Oct 17:00 CEST + 120: 1 h Fri, Mon 26 10:00 CET (after the change) = 09:00Z.
  {
    name: 'over the October change',
    cal: N,
    start: '2026-10-23T15:00Z',
    minutes: 120,
    due: '2026-10-26T09:00Z',
  },
  // Fri 26 Mar 2027 17:00 CET + 120 (no holidays): 1 h Fri, Mon 29 10:00 CEST = 08:00Z.
  {
    name: 'over the March change',
    cal: N,
    start: '2027-03-26T16:00Z',
    minutes: 120,
    due: '2027-03-29T08:00Z',
  },
  // Wed 24 Mar 2027 17:00 CET + 120 in Madrid: 1 h Wed; Thu 25, Fri 26 Easter; weekend with the change; Mon 10:00 CEST.
  {
    name: 'Easter and the March change',
    cal: B,
    start: '2027-03-24T16:00Z',
    minutes: 120,
    due: '2027-03-29T08:00Z',
  },
  // 24/7 from 00:30 CEST on 25 Oct + 4 h of real time.
  {
    name: '24/7 over the October change',
    cal: ALWAYS,
    start: '2026-10-24T22:30Z',
    minutes: 240,
    due: '2026-10-25T02:30Z',
  },
  // 24/7 from 01:00 CET on 28 Mar 2027 + 2 h of real time (04:00 CEST).
  {
    name: '24/7 over the March change',
    cal: ALWAYS,
    start: '2027-03-28T00:00Z',
    minutes: 120,
    due: '2027-03-28T02:00Z',
  },
  // Local day of 28 Mar 2027 is 23 h (23:00Z to 22:00Z); 24 h of it ends 1 h into the 29th: 23:00Z.
  {
    name: 'full local days, March',
    cal: FULL_DAYS,
    start: '2027-03-27T23:00Z',
    minutes: 1440,
    due: '2027-03-28T23:00Z',
  },
  // Local day of 25 Oct 2026 is 25 h (22:00Z to 23:00Z); 24 h of it end at 22:00Z, 23:00 CET.
  {
    name: 'full local days, October',
    cal: FULL_DAYS,
    start: '2026-10-24T22:00Z',
    minutes: 1440,
    due: '2026-10-25T22:00Z',
  },
  // 01:00–05:00 on 28 Mar 2027 is 3 real hours (00:00Z–03:00Z); the 4th is 29 Mar 01:00 CEST (23:00Z) → 00:00Z.
  {
    name: 'night hours lose the skipped hour',
    cal: NIGHT,
    start: '2027-03-28T00:00Z',
    minutes: 240,
    due: '2027-03-29T00:00Z',
  },
  // Tue 10:00 + 120, paused 10:30–11:30: 30 min, pause, 90 min → 13:00 CET.
  {
    name: 'a pause within the day',
    cal: B,
    start: '2026-12-01T09:00Z',
    minutes: 120,
    pauses: [pause('2026-12-01T09:30Z', '2026-12-01T10:30Z')],
    due: '2026-12-01T12:00Z',
  },
  // Tue 16:00 + 120, paused Tue 17:00 to Wed 10:00: 1 h Tue, then Wed 10:00–11:00 CET.
  {
    name: 'a pause over the night',
    cal: B,
    start: '2026-12-01T15:00Z',
    minutes: 120,
    pauses: [pause('2026-12-01T16:00Z', '2026-12-02T09:00Z')],
    due: '2026-12-02T10:00Z',
  },
  // A pause while closed (19:00 to 08:00) changes nothing: 1 h Tue, Wed 10:00 CET.
  {
    name: 'a pause while closed',
    cal: B,
    start: '2026-12-01T16:00Z',
    minutes: 120,
    pauses: [pause('2026-12-01T18:00Z', '2026-12-02T07:00Z')],
    due: '2026-12-02T09:00Z',
  },
  // A pause that has not ended: no due time.
  {
    name: 'still paused',
    cal: B,
    start: '2026-12-01T09:00Z',
    minutes: 120,
    pauses: [pause('2026-12-01T09:30Z', null)],
    due: null,
  },
  // 24/7, 60 min, paused 00:10–00:40 → 01:30Z.
  {
    name: '24/7 with a pause',
    cal: ALWAYS,
    start: '2026-12-01T00:00Z',
    minutes: 60,
    pauses: [pause('2026-12-01T00:10Z', '2026-12-01T00:40Z')],
    due: '2026-12-01T01:30Z',
  },
  // Overlapping pauses 00:10–00:30 and 00:20–00:40 are one of 30 min → 01:30Z.
  {
    name: 'overlapping pauses',
    cal: ALWAYS,
    start: '2026-12-01T00:00Z',
    minutes: 60,
    pauses: [
      pause('2026-12-01T00:20Z', '2026-12-01T00:40Z'),
      pause('2026-12-01T00:10Z', '2026-12-01T00:30Z'),
    ],
    due: '2026-12-01T01:30Z',
  },
  // Catalonia: Thu 10 Sep 17:00 CEST + 120: 1 h Thu, Fri 11 Diada, Mon 14 10:00 CEST.
  { name: 'Catalonia’s Diada', cal: CT, start: '2026-09-10T15:00Z', minutes: 120, due: '2026-09-14T08:00Z' },
  // The same in Madrid: Fri 11 is a working day → Fri 10:00 CEST.
  { name: 'no Diada in Madrid', cal: B, start: '2026-09-10T15:00Z', minutes: 120, due: '2026-09-11T08:00Z' },
  // Extra closed day Wed 9 after Mon 7, Tue 8 holidays: Fri 17:00 + 120 → Thu 10 10:00 CET.
  {
    name: 'an extra closed day',
    cal: WITH_EXTRA,
    start: '2026-12-04T16:00Z',
    minutes: 120,
    due: '2026-12-10T09:00Z',
  },
  // Split shift: Tue 13:30 + 60: 30 min to 14:00, 16:00 + 30 → 16:30 CET.
  { name: 'split shift', cal: SPLIT, start: '2026-12-01T12:30Z', minutes: 60, due: '2026-12-01T15:30Z' },
  // Summer, no change: Tue 14 Jul 2026 17:00 CEST + 90: 1 h, Wed 09:30 CEST = 07:30Z.
  { name: 'summer time', cal: B, start: '2026-07-14T15:00Z', minutes: 90, due: '2026-07-15T07:30Z' },
];

interface BetweenCase {
  name: string;
  cal: BusinessCalendar;
  from: string;
  to: string;
  pauses?: Pause[];
  minutes: number;
}

const BETWEEN: BetweenCase[] = [
  // Mon 10:00 to Tue 10:00 CET: 8 h + 1 h.
  { name: 'a working day', cal: B, from: '2026-11-30T09:00Z', to: '2026-12-01T09:00Z', minutes: 540 },
  // Fri 16:00 to Wed 10:00: 2 h Fri + holidays + 1 h Wed.
  { name: 'over the bridge', cal: B, from: '2026-12-04T15:00Z', to: '2026-12-09T09:00Z', minutes: 180 },
  { name: 'a weekend', cal: B, from: '2026-12-05T08:00Z', to: '2026-12-06T20:00Z', minutes: 0 },
  { name: 'backwards', cal: B, from: '2026-12-09T12:00Z', to: '2026-12-09T10:00Z', minutes: 0 },
  { name: 'half an hour', cal: B, from: '2026-12-09T08:15Z', to: '2026-12-09T08:45Z', minutes: 30 },
  // Fri 09:00 CEST to Mon 18:00 CET: 9 h + 9 h.
  {
    name: 'two days over October',
    cal: N,
    from: '2026-10-23T07:00Z',
    to: '2026-10-26T17:00Z',
    minutes: 1080,
  },
  { name: '24/7 three hours', cal: ALWAYS, from: '2027-03-28T00:00Z', to: '2027-03-28T03:00Z', minutes: 180 },
  // Local midnight to midnight on 28 Mar 2027: 23 h.
  {
    name: 'the short day',
    cal: FULL_DAYS,
    from: '2027-03-27T23:00Z',
    to: '2027-03-28T22:00Z',
    minutes: 1380,
  },
  // Local midnight to midnight on 25 Oct 2026: 25 h.
  { name: 'the long day', cal: FULL_DAYS, from: '2026-10-24T22:00Z', to: '2026-10-25T23:00Z', minutes: 1500 },
  // 01:00 CEST to 05:00 CET on 25 Oct 2026: 5 real hours.
  {
    name: 'the night that repeats an hour',
    cal: NIGHT,
    from: '2026-10-24T23:00Z',
    to: '2026-10-25T04:00Z',
    minutes: 300,
  },
  // Tue 10:00 to 13:00 CET with 11:00–12:00 paused: 2 h.
  {
    name: 'with a pause',
    cal: B,
    from: '2026-12-01T09:00Z',
    to: '2026-12-01T12:00Z',
    pauses: [pause('2026-12-01T10:00Z', '2026-12-01T11:00Z')],
    minutes: 120,
  },
  // Paused since 11:00 CET and still paused: 1 h.
  {
    name: 'with an open pause',
    cal: B,
    from: '2026-12-01T09:00Z',
    to: '2026-12-01T15:00Z',
    pauses: [pause('2026-12-01T10:00Z', null)],
    minutes: 60,
  },
];

describe('SLA clock: due instants', () => {
  it('has the cases the issue asks for', () =>
    expect(DUE.length + BETWEEN.length).toBeGreaterThanOrEqual(30));
  it.each(DUE)('$name', (c) => {
    const due = dueAt(c.cal, at(c.start), c.minutes, c.pauses ?? []);
    expect(due ? due.toISOString() : null).toBe(c.due ? at(c.due).toISOString() : null);
  });
});

describe('SLA clock: business minutes between two instants', () => {
  it.each(BETWEEN)('$name', (c) => {
    expect(businessMinutesBetween(c.cal, at(c.from), at(c.to), c.pauses ?? [])).toBe(c.minutes);
  });
});
