import type { Tx } from '../db/db.js';
import type { RoutingRuleRow } from '../db/tables.js';
import type { Catalog } from '../domain/catalog.js';
import {
  type RoutingFacts,
  type RoutingRule,
  roundRobin,
  route,
  routingActionsSchema,
  routingConditionsSchema,
} from '../domain/routing.js';

/** Where routing sent one new ticket, with the names the history keeps (as they were then). */
export interface RoutedTicket {
  ruleId: number;
  ruleName: string;
  teamId: number | null;
  teamName: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  urgency: string | null;
}

/** A stored rule as the domain reads it (the use cases wrote it through the same schemas). */
export function parseRule(row: Pick<RoutingRuleRow, 'id' | 'name' | 'conditions' | 'actions'>): RoutingRule {
  return {
    id: row.id,
    name: row.name,
    conditions: routingConditionsSchema.parse(row.conditions),
    actions: routingActionsSchema.parse(row.actions),
  };
}

const STAFF = ['agent', 'admin'] as const;

/**
 * Routes new tickets by the admins' rules, in the caller's transaction. A rule's team counts only while the team
 * is active, its agent only while active staff; a round-robin locks its team's row, so that concurrent
 * openings take turns and each member is picked in order, then stamps each pick in the member's row.
 */
export async function routeNewTickets(
  trx: Tx,
  catalog: Catalog,
  facts: readonly RoutingFacts[],
): Promise<(RoutedTicket | null)[]> {
  const rows = await trx('routing_rules')
    .where({ active: true })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'name', 'conditions', 'actions');
  if (rows.length === 0) return facts.map(() => null);
  const rules = rows.map(parseRule);
  const decisions = facts.map((f) => route(rules, f, catalog.types[f.type]?.urgencies ?? []));
  const teamIds = [...new Set(decisions.flatMap((d) => (d?.teamId ? [d.teamId] : [])))];
  const agentIds = [
    ...new Set(decisions.flatMap((d) => (d?.assign?.kind === 'agent' ? [d.assign.agentId] : []))),
  ];
  const teams = new Map(
    (teamIds.length
      ? await trx('teams').whereIn('id', teamIds).where({ active: true }).select('id', 'name')
      : []
    ).map((t) => [t.id, t.name]),
  );
  const agents = new Map(
    (agentIds.length
      ? await trx('users')
          .whereIn('id', agentIds)
          .where({ active: true })
          .whereIn('role', STAFF)
          .select('id', 'name')
      : []
    ).map((u) => [u.id, u.name]),
  );
  const turns = await roundRobinTurns(
    trx,
    decisions.map((d) =>
      d?.assign?.kind === 'round_robin' && d.teamId && teams.has(d.teamId) ? d.teamId : null,
    ),
  );
  return decisions.map((d, i) => {
    if (!d) return null;
    const teamId = d.teamId && teams.has(d.teamId) ? d.teamId : null;
    const pick = turns[i] ?? null;
    const assigneeId =
      d.assign?.kind === 'agent'
        ? agents.has(d.assign.agentId)
          ? d.assign.agentId
          : null
        : (pick?.id ?? null);
    return {
      ruleId: d.rule.id,
      ruleName: d.rule.name,
      teamId,
      teamName: teamId ? (teams.get(teamId) ?? null) : null,
      assigneeId,
      assigneeName:
        d.assign?.kind === 'agent' ? (agents.get(d.assign.agentId) ?? null) : (pick?.name ?? null),
      urgency: d.urgency,
    };
  });
}

/** The round-robin pick of each ticket routed so (by index; null for the others, or a team with no one). */
async function roundRobinTurns(
  trx: Tx,
  teamOf: readonly (number | null)[],
): Promise<({ id: number; name: string } | null)[]> {
  const teamIds = [...new Set(teamOf.filter((t): t is number => t !== null))].sort((a, b) => a - b);
  if (teamIds.length === 0) return teamOf.map(() => null);
  // In id order: two batches routing to the same two teams never wait on each other crosswise.
  await trx('teams').whereIn('id', teamIds).orderBy('id').forUpdate().select('id');
  const members = await trx('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereIn('m.team_id', teamIds)
    .where('u.active', true)
    .whereIn('u.role', STAFF)
    .select('m.team_id', 'm.user_id', 'm.last_routed', 'u.name');
  const picks = new Map<number, number[]>();
  for (const teamId of teamIds) {
    const wanted = teamOf.filter((t) => t === teamId).length;
    const line = members
      .filter((m) => m.team_id === teamId)
      .map((m) => ({ userId: m.user_id, lastRouted: m.last_routed }));
    const order = roundRobin(line, wanted);
    picks.set(teamId, order);
    for (const userId of order)
      await trx('team_members')
        .where({ team_id: teamId, user_id: userId })
        .update({ last_routed: trx.raw("nextval('team_round_robin')") });
  }
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  return teamOf.map((teamId) => {
    if (teamId === null) return null;
    const id = picks.get(teamId)?.shift();
    return id === undefined ? null : { id, name: names.get(id) ?? '' };
  });
}
