import type { Tx } from '../../db/db.js';
import type { Catalog } from '../../domain/catalog.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import {
  type RoutingActions,
  type RoutingConditions,
  routingActionsSchema,
  routingConditionsSchema,
} from '../../domain/routing.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { requireAdmin } from './guards.js';

/** A rule as the admin form gives it: customers and services by code (or number), addresses as typed. */
export interface RuleInput {
  name: string;
  active: boolean;
  types: string[];
  categories: string[];
  urgencies: string[];
  /** Customer companies: their code, or their number. */
  companies: string[];
  /** Services: their circuit id, or their number. */
  services: string[];
  receivedAt: string[];
  teamId: number | null;
  assign: 'none' | 'agent' | 'round_robin';
  agentId: number | null;
  setUrgency: string | null;
}

const some = <T>(list: T[]): T[] | undefined => (list.length ? [...new Set(list)] : undefined);

/** Categories and their groups (`administrative` for `administrative.billing`). */
export function categoryChoices(catalog: Catalog): string[] {
  const all = Object.values(catalog.types).flatMap((t) => t.categories);
  const groups = all.flatMap((c) => (c.includes('.') ? [c.slice(0, c.indexOf('.'))] : []));
  return [...new Set([...groups, ...all])];
}

/** Codes or numbers to ids of one table; the ones found nowhere are returned as missing. */
async function idsOf(
  trx: Tx,
  table: 'companies' | 'services',
  column: 'code' | 'circuit_id',
  refs: string[],
): Promise<{ ids: number[]; missing: string[] }> {
  if (!refs.length) return { ids: [], missing: [] };
  const numbers = refs.filter((r) => /^\d{1,15}$/.test(r)).map(Number);
  const rows: { id: number; ref: string | null }[] = await trx(table)
    .where((w) => w.whereIn(column, refs).orWhereIn('id', numbers))
    .select('id', `${column} as ref`);
  const missing = refs.filter((r) => !rows.some((x) => x.ref === r || String(x.id) === r));
  return { ids: rows.map((r) => r.id), missing };
}

async function checkRule(
  trx: Tx,
  catalog: Catalog,
  input: RuleInput,
): Promise<{ name: string; conditions: RoutingConditions; actions: RoutingActions }> {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  else if (name.length > 120) fields.name = 'agent:validation.tooLong';
  const urgencies = [...new Set(Object.values(catalog.types).flatMap((t) => t.urgencies))];
  if (input.types.some((t) => !catalog.types[t])) fields.types = 'validation.typeRequired';
  if (input.categories.some((c) => !categoryChoices(catalog).includes(c)))
    fields.categories = 'validation.categoryInvalid';
  if (input.urgencies.some((u) => !urgencies.includes(u))) fields.urgencies = 'validation.urgencyRequired';
  if (input.setUrgency && !urgencies.includes(input.setUrgency))
    fields.setUrgency = 'validation.urgencyRequired';
  const companies = await idsOf(trx, 'companies', 'code', input.companies);
  if (companies.missing.length) fields.companies = 'agent:routing.unknownCompany';
  const services = await idsOf(trx, 'services', 'circuit_id', input.services);
  if (services.missing.length) fields.services = 'agent:routing.unknownService';
  if (input.teamId !== null && !(await trx('teams').where({ id: input.teamId }).first('id')))
    fields.teamId = 'agent:teams.notFound';
  if (input.assign === 'agent') {
    const agent =
      input.agentId !== null &&
      (await trx('users')
        .where({ id: input.agentId, active: true })
        .whereIn('role', ['agent', 'admin'])
        .first('id'));
    if (!agent) fields.agentId = 'validation.assigneeInvalid';
  }
  const conditions = routingConditionsSchema.safeParse({
    types: some(input.types),
    categories: some(input.categories),
    urgencies: some(input.urgencies),
    companyIds: some(companies.ids),
    serviceIds: some(services.ids),
    receivedAt: some(input.receivedAt),
  });
  if (!conditions.success) fields.receivedAt = 'validation.emailInvalid';
  const actions = routingActionsSchema.safeParse({
    teamId: input.teamId ?? undefined,
    assign:
      input.assign === 'agent'
        ? { kind: 'agent', agentId: input.agentId ?? 0 }
        : input.assign === 'round_robin'
          ? { kind: 'round_robin' }
          : undefined,
    urgency: input.setUrgency ?? undefined,
  });
  if (!actions.success && !fields.agentId)
    for (const issue of actions.error.issues) fields[String(issue.path[0] ?? 'teamId')] = issue.message;
  if (Object.keys(fields).length || !conditions.success || !actions.success)
    throw new AppError('invalid', 'validation.fixFields', { fields });
  return { name, conditions: conditions.data, actions: actions.data };
}

/** A new rule, last in the order (admins only). */
export async function createRoutingRule(ctx: AppContext, actor: Actor, input: RuleInput): Promise<number> {
  requireAdmin(actor);
  return ctx.db.transaction(async (trx) => {
    // One rule written at a time, so that two new rules never take the same position.
    await trx.raw('lock table routing_rules in share row exclusive mode');
    const v = await checkRule(trx, ctx.catalog, input);
    const last = await trx.raw<{ rows: { p: number | null }[] }>(
      'select max(position) as p from routing_rules',
    );
    const [row] = await trx('routing_rules')
      .insert({
        position: Number(last.rows[0]?.p ?? 0) + 1,
        name: v.name,
        active: input.active,
        conditions: JSON.stringify(v.conditions),
        actions: JSON.stringify(v.actions),
        updated_by: actorId(actor),
      })
      .returning('id');
    await recordAudit(trx, {
      actor,
      action: 'routing_rule.create',
      target: { type: 'routing_rule', id: row.id },
      details: { name: v.name, active: input.active },
    });
    return row.id as number;
  });
}

export async function updateRoutingRule(
  ctx: AppContext,
  actor: Actor,
  ruleId: number,
  input: RuleInput,
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    if (!(await trx('routing_rules').where({ id: ruleId }).forUpdate().first('id')))
      throw new AppError('not_found', 'agent:routing.notFound');
    const v = await checkRule(trx, ctx.catalog, input);
    await trx('routing_rules')
      .where({ id: ruleId })
      .update({
        name: v.name,
        active: input.active,
        conditions: JSON.stringify(v.conditions),
        actions: JSON.stringify(v.actions),
        updated_by: actorId(actor),
        updated_at: new Date(),
      });
    await recordAudit(trx, {
      actor,
      action: 'routing_rule.update',
      target: { type: 'routing_rule', id: ruleId },
      details: { name: v.name, active: input.active },
    });
  });
}

/** Swaps a rule with its neighbour above or below; at either end nothing moves. */
export async function moveRoutingRule(
  ctx: AppContext,
  actor: Actor,
  ruleId: number,
  direction: 'up' | 'down',
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    await trx.raw('lock table routing_rules in share row exclusive mode');
    const rules = await trx('routing_rules')
      .orderBy([{ column: 'position' }, { column: 'id' }])
      .select('id', 'position');
    const i = rules.findIndex((r) => r.id === ruleId);
    if (i < 0) throw new AppError('not_found', 'agent:routing.notFound');
    const j = direction === 'up' ? i - 1 : i + 1;
    const [a, b] = [rules[i], rules[j]];
    if (!a || !b) return;
    // Renumbered 1..n so that equal positions (none are made, but a hand edit could) still swap.
    const order = rules.map((r) => r.id);
    order[i] = b.id;
    order[j] = a.id;
    for (const [k, id] of order.entries())
      await trx('routing_rules')
        .where({ id })
        .update({ position: k + 1, updated_by: actorId(actor) });
    await recordAudit(trx, {
      actor,
      action: 'routing_rule.move',
      target: { type: 'routing_rule', id: ruleId },
      details: { direction },
    });
  });
}
