import { z } from 'zod';

const id = z.number().int().positive();
const values = <T extends z.ZodTypeAny>(item: T) => z.array(item).min(1).max(200).optional();

/**
 * What a rule looks at. Each listed field must match one of its values (an absent field matches anything), so a
 * rule without conditions matches every ticket. A category value also matches the categories under it:
 * `administrative` matches `administrative.billing`.
 */
export const routingConditionsSchema = z
  .object({
    types: values(z.string().min(1)),
    categories: values(z.string().min(1)),
    urgencies: values(z.string().min(1)),
    serviceIds: values(id),
    companyIds: values(id),
    /** The address the mail came to, lowercased (tickets opened on the web have none). */
    receivedAt: values(z.string().trim().toLowerCase().email()),
  })
  .strict();
export type RoutingConditions = z.infer<typeof routingConditionsSchema>;

export const routingActionsSchema = z
  .object({
    teamId: id.optional(),
    assign: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('agent'), agentId: id }),
        /** The team's active member routed to least recently. */
        z.object({ kind: z.literal('round_robin') }),
      ])
      .optional(),
    urgency: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.teamId !== undefined || a.assign !== undefined || a.urgency !== undefined, {
    message: 'agent:routing.noAction',
    path: ['teamId'],
  })
  .refine((a) => a.assign?.kind !== 'round_robin' || a.teamId !== undefined, {
    message: 'agent:routing.roundRobinNeedsTeam',
    path: ['assign'],
  });
export type RoutingActions = z.infer<typeof routingActionsSchema>;

export interface RoutingRule {
  id: number;
  name: string;
  conditions: RoutingConditions;
  actions: RoutingActions;
}

/** The facts of a new ticket that rules may test. */
export interface RoutingFacts {
  type: string;
  category: string;
  urgency: string | null;
  serviceId: number | null;
  companyId: number | null;
  receivedAt: string | null;
}

const inList = <T>(list: readonly T[] | undefined, v: T | null): boolean =>
  list === undefined || (v !== null && list.includes(v));

const categoryIn = (list: readonly string[] | undefined, category: string): boolean =>
  list === undefined || list.some((c) => category === c || category.startsWith(`${c}.`));

export function ruleMatches(c: RoutingConditions, f: RoutingFacts): boolean {
  return (
    inList(c.types, f.type) &&
    categoryIn(c.categories, f.category) &&
    inList(c.urgencies, f.urgency) &&
    inList(c.serviceIds, f.serviceId) &&
    inList(c.companyIds, f.companyId) &&
    inList(c.receivedAt, f.receivedAt?.toLowerCase() ?? null)
  );
}

/** What routing decides for one ticket; the round-robin pick is made by the caller, under a lock. */
export interface RoutingDecision {
  rule: { id: number; name: string };
  teamId: number | null;
  assign: RoutingActions['assign'] | null;
  /** Null when the rule sets none, or one the ticket's type does not ask (a request has no urgency). */
  urgency: string | null;
}

/**
 * First match wins: the active rules, in their order, are tried until one matches; its actions are the whole
 * decision. No match: the ticket is left as it came (no team, no agent).
 */
export function route(
  rules: readonly RoutingRule[],
  facts: RoutingFacts,
  urgenciesOfType: readonly string[],
): RoutingDecision | null {
  const rule = rules.find((r) => ruleMatches(r.conditions, facts));
  if (!rule) return null;
  const { teamId, assign, urgency } = rule.actions;
  return {
    rule: { id: rule.id, name: rule.name },
    teamId: teamId ?? null,
    assign: assign ?? null,
    urgency: urgency && urgenciesOfType.includes(urgency) ? urgency : null,
  };
}

/**
 * The next agents of a round-robin, one per ticket: each takes the member routed to least recently (never
 * routed first, then by id), who then goes to the back of the line.
 */
export function roundRobin(
  members: readonly { userId: number; lastRouted: number | null }[],
  tickets: number,
): number[] {
  const line = [...members].sort(
    (a, b) => (a.lastRouted ?? -1) - (b.lastRouted ?? -1) || a.userId - b.userId,
  );
  if (line.length === 0) return [];
  return Array.from({ length: tickets }, (_, i) => (line[i % line.length] as { userId: number }).userId);
}
