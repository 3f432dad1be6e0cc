import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  businessMsLeft,
  shiftBusinessMs,
  subtractBusinessMs,
} from '../../src/domain/sla-clock.js';
import { businessCalendar } from '../../src/domain/sla-holidays.js';
import { clockMet, clockRuns } from '../../src/domain/sla-policy.js';
import { type ClocksBefore, reclassifiedClocks } from '../../src/domain/sla-reclassify.js';

/*
 * Worked out by hand on a wall calendar. Madrid is UTC+1 in December 2026; Tuesday 1 December 2026, no public
 * holiday between 1 and 4 December; the weekend is 5–6 December.
 */
const cal = (alwaysOpen: boolean): BusinessCalendar =>
  businessCalendar({
    timeZone: 'Europe/Madrid',
    alwaysOpen,
    hours: alwaysOpen ? {} : Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [[540, 1080]]])),
    holidayCountry: null,
    holidayRegion: null,
    extraClosedDays: [],
  });
/** Mon–Fri 09:00–18:00 Madrid. */
const B = cal(false);
const ALWAYS = cal(true);
const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('business time backwards, and what is left', () => {
  const cases: [string, BusinessCalendar, string, number, string][] = [
    ['24/7: wall-clock time', ALWAYS, '2026-12-01T10:00:00Z', 30, '2026-12-01T09:30:00.000Z'],
    ['inside one open span', B, '2026-12-01T15:00:00Z', 90, '2026-12-01T13:30:00.000Z'],
    ['back over a night', B, '2026-12-02T09:00:00Z', 120, '2026-12-01T16:00:00.000Z'],
    ['back over a weekend', B, '2026-12-07T08:30:00Z', 60, '2026-12-04T16:30:00.000Z'],
    ['from a closed hour', B, '2026-12-05T12:00:00Z', 60, '2026-12-04T16:00:00.000Z'],
    ['a whole business day and more', B, '2026-12-03T10:00:00Z', 9 * 60 + 30, '2026-12-02T09:30:00.000Z'],
  ];
  it.each(cases)('%s', (_, c, end, minutes, expected) => {
    expect(subtractBusinessMs(c, at(end), minutes * MIN).toISOString()).toBe(expected);
    expect(shiftBusinessMs(c, at(end), -minutes * MIN)?.toISOString()).toBe(expected);
  });

  it('forwards, as addBusinessMs; nothing to move, the instant itself', () => {
    expect(shiftBusinessMs(B, at('2026-12-04T16:30:00Z'), 60 * MIN)?.toISOString()).toBe(
      '2026-12-07T08:30:00.000Z',
    );
    expect(subtractBusinessMs(B, at('2026-12-04T16:30:00Z'), 0).toISOString()).toBe(
      '2026-12-04T16:30:00.000Z',
    );
  });

  it('is positive while the due instant is ahead, negative once past', () => {
    // Friday 17:30 Madrid to Monday 09:30: 30 + 30 business minutes.
    expect(businessMsLeft(B, at('2026-12-04T16:30:00Z'), at('2026-12-07T08:30:00Z'))).toBe(60 * MIN);
    expect(businessMsLeft(B, at('2026-12-07T08:30:00Z'), at('2026-12-04T16:30:00Z'))).toBe(-60 * MIN);
    expect(businessMsLeft(ALWAYS, at('2026-12-01T10:00:00Z'), at('2026-12-01T10:00:00Z'))).toBe(0);
  });
});

describe('a clock that stopped is judged when it stopped', () => {
  const due = at('2026-12-01T10:00:00Z');
  it.each([
    ['answered in time', '2026-12-01T09:59:00Z', null, true],
    ['answered on the minute', '2026-12-01T10:00:00Z', null, true],
    ['answered late', '2026-12-01T10:01:00Z', null, false],
    ['answered late, but stopped in time', '2026-12-01T12:00:00Z', '2026-12-01T09:30:00Z', true],
    ['stopped after it had run out', '2026-12-01T12:00:00Z', '2026-12-01T10:30:00Z', false],
  ] as const)('%s', (_, when, stopped, met) => {
    expect(clockMet(due, at(when), stopped ? at(stopped) : null)).toBe(met);
  });

  it('runs in a working status, and not while the ticket waits for a major incident', () => {
    expect(clockRuns('new', null)).toBe(true);
    expect(clockRuns('in_progress', null)).toBe(true);
    expect(clockRuns('in_progress', 7)).toBe(false);
    expect(clockRuns('pending', null)).toBe(false);
    expect(clockRuns('resolved', null)).toBe(false);
  });
});

describe('a ticket that changes policy keeps the time already run', () => {
  /** Opened Tue 1 Dec 10:00 Madrid (09:00Z) on a 24/7 policy: 1 h to answer, 8 h to solve, warned at 80%. */
  const opened: ClocksBefore = {
    created_at: at('2026-12-01T09:00:00Z'),
    first_answer_due_at: at('2026-12-01T10:00:00Z'),
    first_answer_warn_at: at('2026-12-01T09:48:00Z'),
    first_answered_at: null,
    resolution_due_at: at('2026-12-01T17:00:00Z'),
    resolution_warn_at: at('2026-12-01T15:24:00Z'),
  };
  const outage = {
    calendar: ALWAYS,
    targets: { firstAnswerMinutes: 60, resolutionMinutes: 480, warnPercent: 80 },
  };
  /** Business hours: 4 h to answer, 27 h to solve. */
  const incident = {
    calendar: B,
    targets: { firstAnswerMinutes: 240, resolutionMinutes: 1620, warnPercent: 80 },
  };

  it('30 minutes run: 3 h 30 of answer and 26 h 30 of resolution left, in business hours', () => {
    const c = reclassifiedClocks(opened, outage, incident, at('2026-12-01T09:30:00Z'));
    expect(c).toEqual({
      // 10:30 Madrid + 3 h 30 = 14:00; warned at 192 − 30 = 162 min: 13:12.
      first_answer_due_at: at('2026-12-01T13:00:00Z'),
      first_answer_warn_at: at('2026-12-01T12:12:00Z'),
      // 1590 min from Tue 10:30: 450 Tue, 540 Wed, 540 Thu, 60 Fri → Fri 10:00 Madrid.
      resolution_due_at: at('2026-12-04T09:00:00Z'),
      // 1266 min: 450 Tue, 540 Wed, 276 Thu → Thu 13:36 Madrid.
      resolution_warn_at: at('2026-12-03T12:36:00Z'),
      spentMinutes: 30,
    });
  });

  it('a target the time run already passed is due in the past', () => {
    // 90 min run on the 24/7 clock; the new one allows 45 min to answer: due 45 min ago.
    const short = {
      calendar: ALWAYS,
      targets: { firstAnswerMinutes: 45, resolutionMinutes: 600, warnPercent: 50 },
    };
    const c = reclassifiedClocks(opened, outage, short, at('2026-12-01T10:30:00Z'));
    expect(c.first_answer_due_at).toEqual(at('2026-12-01T09:45:00Z'));
    expect(c.first_answer_warn_at).toEqual(at('2026-12-01T09:22:30Z'));
    expect(c.resolution_due_at).toEqual(at('2026-12-01T19:00:00Z'));
  });

  it('a clock that was stopped counts up to its stop', () => {
    // Stopped at 09:20 (20 min run): 3 h 40 left from 10:20 Madrid; pushed by the pause when it restarts.
    const c = reclassifiedClocks(opened, outage, incident, at('2026-12-01T09:20:00Z'));
    expect(c.first_answer_due_at).toEqual(at('2026-12-01T13:00:00Z'));
    expect(c.spentMinutes).toBe(20);
  });

  it('an answer already given keeps its due instant', () => {
    const answered = { ...opened, first_answered_at: at('2026-12-01T09:10:00Z') };
    const c = reclassifiedClocks(answered, outage, incident, at('2026-12-01T09:30:00Z'));
    expect(c.first_answer_due_at).toEqual(opened.first_answer_due_at);
    expect(c.first_answer_warn_at).toEqual(opened.first_answer_warn_at);
    expect(c.resolution_due_at).toEqual(at('2026-12-04T09:00:00Z'));
  });

  it('without an old policy, the business time since the ticket was opened has run', () => {
    // Opened 10:00 Madrid, reclassified 12:00: 2 h run of the 4 h to answer.
    const none = {
      ...opened,
      first_answer_due_at: null,
      first_answer_warn_at: null,
      resolution_due_at: null,
      resolution_warn_at: null,
    };
    const c = reclassifiedClocks(none, null, incident, at('2026-12-01T11:00:00Z'));
    expect(c.first_answer_due_at).toEqual(at('2026-12-01T13:00:00Z'));
    expect(c.spentMinutes).toBe(120);
  });
});
