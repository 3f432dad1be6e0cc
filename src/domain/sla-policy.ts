/** What a ticket is, for choosing its SLA policy. */
export interface SlaTicketFacts {
  type: string;
  urgency: string | null;
  category: string;
  companyId: number | null;
  serviceId: number | null;
}

/** The criteria of a policy: null matches anything. */
export interface SlaPolicyCriteria {
  id: number;
  type: string;
  urgency: string | null;
  category: string | null;
  company_id: number | null;
  service_id: number | null;
}

/** How specific a policy is: a service beats a company beats a category beats an urgency. */
const weight = (p: SlaPolicyCriteria): number =>
  (p.service_id !== null ? 8 : 0) +
  (p.company_id !== null ? 4 : 0) +
  (p.category !== null ? 2 : 0) +
  (p.urgency !== null ? 1 : 0);

/** The most specific policy every criterion of which the ticket meets (the oldest on a tie), or null. */
export function choosePolicy<P extends SlaPolicyCriteria>(
  policies: readonly P[],
  t: SlaTicketFacts,
): P | null {
  let best: P | null = null;
  for (const p of policies) {
    const fits =
      p.type === t.type &&
      (p.urgency === null || p.urgency === t.urgency) &&
      (p.category === null || p.category === t.category) &&
      (p.company_id === null || p.company_id === t.companyId) &&
      (p.service_id === null || p.service_id === t.serviceId);
    if (!fits) continue;
    if (!best || weight(p) > weight(best) || (weight(p) === weight(best) && p.id < best.id)) best = p;
  }
  return best;
}

/** Statuses in which the clock stops: waiting for the customer, or solved. */
export const SLA_STOPPED_STATUSES: readonly string[] = ['pending', 'resolved', 'closed'];

export const slaRuns = (status: string): boolean => !SLA_STOPPED_STATUSES.includes(status);

/** The clock runs in a working status, unless the ticket waits for the major incident it is linked to. */
export const clockRuns = (status: string, majorIncidentId: number | null): boolean =>
  slaRuns(status) && majorIncidentId === null;

/**
 * Whether a clock was met when its goal came at `at`. A stopped clock cannot run late: it is judged at the
 * instant it stopped (a ticket answered, or resolved, while it waited for the customer or for an outage).
 */
export const clockMet = (due: Date, at: Date, stoppedAt: Date | null): boolean =>
  Math.min(at.getTime(), stoppedAt?.getTime() ?? Number.POSITIVE_INFINITY) <= due.getTime();

/** Statuses that end the resolution clock: the latest one decides whether it was met. */
export const SLA_RESOLVED_STATUSES: readonly string[] = ['resolved', 'closed'];
