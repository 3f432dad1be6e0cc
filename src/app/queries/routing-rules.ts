import type { Db } from '../../db/db.js';
import type { RoutingActions, RoutingConditions } from '../../domain/routing.js';
import { parseRule } from '../routing.js';

export interface RuleView {
  id: number;
  position: number;
  name: string;
  active: boolean;
  conditions: RoutingConditions;
  actions: RoutingActions;
  teamName: string | null;
  agentName: string | null;
  companies: { id: number; name: string; code: string | null }[];
  services: { id: number; name: string; circuit_id: string | null }[];
}

/** Every routing rule in the order they are tried, with the names of what they refer to. */
export async function listRoutingRules(db: Db, only?: number): Promise<RuleView[]> {
  const q = db('routing_rules')
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'position', 'name', 'active', 'conditions', 'actions');
  if (only !== undefined) q.where({ id: only });
  const rules = (await q).map((r) => ({ ...parseRule(r), position: r.position, active: r.active }));
  const ids = (pick: (r: (typeof rules)[number]) => readonly number[] | undefined) => [
    ...new Set(rules.flatMap((r) => pick(r) ?? [])),
  ];
  const agentIds = ids((r) => (r.actions.assign?.kind === 'agent' ? [r.actions.assign.agentId] : []));
  const [teams, agents, companies, services] = await Promise.all([
    db('teams')
      .whereIn(
        'id',
        ids((r) => (r.actions.teamId ? [r.actions.teamId] : [])),
      )
      .select('id', 'name'),
    db('users').whereIn('id', agentIds).select('id', 'name'),
    db('companies')
      .whereIn(
        'id',
        ids((r) => r.conditions.companyIds),
      )
      .select('id', 'name', 'code'),
    db('services')
      .whereIn(
        'id',
        ids((r) => r.conditions.serviceIds),
      )
      .select('id', 'name', 'circuit_id'),
  ]);
  return rules.map((r) => ({
    ...r,
    teamName: teams.find((t) => t.id === r.actions.teamId)?.name ?? null,
    agentName:
      r.actions.assign?.kind === 'agent'
        ? (agents.find((a) => a.id === (r.actions.assign as { agentId: number }).agentId)?.name ?? null)
        : null,
    companies: companies.filter((c) => r.conditions.companyIds?.includes(c.id)),
    services: services.filter((s) => r.conditions.serviceIds?.includes(s.id)),
  }));
}
