import { type BusinessCalendar, businessMsBetween, businessMsLeft, shiftBusinessMs } from './sla-clock.js';

const MINUTE = 60_000;

/** A policy's targets, in business minutes of its calendar. */
export interface ClockTargets {
  firstAnswerMinutes: number;
  resolutionMinutes: number;
  warnPercent: number;
}

/** A policy as a clock counts it. */
export interface CountedPolicy {
  calendar: BusinessCalendar;
  targets: ClockTargets;
}

/** The clocks of a ticket, as they stand. */
export interface ClocksBefore {
  created_at: Date;
  first_answer_due_at: Date | null;
  first_answer_warn_at: Date | null;
  first_answered_at: Date | null;
  resolution_due_at: Date | null;
  resolution_warn_at: Date | null;
}

export interface ReclassifiedClocks {
  first_answer_due_at: Date | null;
  first_answer_warn_at: Date | null;
  resolution_due_at: Date;
  resolution_warn_at: Date;
  /** Business minutes already spent on the resolution clock, kept by the new policy. */
  spentMinutes: number;
}

/**
 * The clocks of a ticket whose SLA policy changes (an agent reclassified it): each clock keeps the business
 * time it has already run, and is due when that time plus what is left reaches the new target, counted on the
 * new policy's calendar. `at` is the instant the time run is measured at: now for a running clock, the start
 * of the pause for a stopped one (the clock restarts from there and is pushed as usual). Without an old policy
 * the time run is the new calendar's business time since the ticket was opened. A first answer already given
 * keeps its due instant: it is decided. A target already overrun gives a due instant in the past.
 */
export function reclassifiedClocks(
  before: ClocksBefore,
  old: CountedPolicy | null,
  next: CountedPolicy,
  at: Date,
): ReclassifiedClocks {
  const spentOn = (minutes: number, due: Date | null): number =>
    old && due
      ? minutes * MINUTE - businessMsLeft(old.calendar, at, due)
      : businessMsBetween(next.calendar, before.created_at, at);
  const reaching = (target: number, spent: number) =>
    shiftBusinessMs(next.calendar, at, target - spent) ?? at;
  const warn = next.targets.warnPercent / 100;
  const resolutionSpent = spentOn(old?.targets.resolutionMinutes ?? 0, before.resolution_due_at);
  const resolution = next.targets.resolutionMinutes * MINUTE;
  let first = { due: before.first_answer_due_at, warnAt: before.first_answer_warn_at };
  if (before.first_answered_at === null) {
    const spent = spentOn(old?.targets.firstAnswerMinutes ?? 0, before.first_answer_due_at);
    const target = next.targets.firstAnswerMinutes * MINUTE;
    first = { due: reaching(target, spent), warnAt: reaching(target * warn, spent) };
  }
  return {
    first_answer_due_at: first.due,
    first_answer_warn_at: first.warnAt,
    resolution_due_at: reaching(resolution, resolutionSpent),
    resolution_warn_at: reaching(resolution * warn, resolutionSpent),
    spentMinutes: Math.round(resolutionSpent / MINUTE),
  };
}
