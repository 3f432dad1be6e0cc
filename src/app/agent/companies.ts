import { z } from 'zod';
import type { ServiceRow } from '../../db/tables.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { type NetworkAttributes, TECHNOLOGIES } from '../../domain/incident-scope.js';
import { canEditNetwork } from '../../domain/permissions.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor } from '../../domain/ticket-status.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { requireAccountManager } from './guards.js';

export interface CompanyInput {
  name: string;
  /** The customer's code in the ISP's other systems (unique when given). */
  code?: string | null;
  active?: boolean;
}

const clean = (v: string | null | undefined) => {
  const s = (v ?? '').trim();
  return s ? s : null;
};

function check(input: CompanyInput): { name: string; code: string | null } {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  else if (name.length > 200) fields.name = 'agent:validation.tooLong';
  const code = clean(input.code);
  if (code && code.length > 60) fields.code = 'agent:validation.tooLong';
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  return { name, code };
}

const codeTaken = () =>
  new AppError('conflict', 'agent:validation.codeTaken', { fields: { code: 'agent:validation.codeTaken' } });

export async function createCompany(ctx: AppContext, actor: Actor, input: CompanyInput): Promise<number> {
  requireAccountManager(actor);
  const v = check(input);
  return ctx.db.transaction(async (trx) => {
    if (v.code && (await trx('companies').where({ code: v.code }).first('id'))) throw codeTaken();
    const [row] = await trx('companies')
      .insert({ name: v.name, code: v.code, active: input.active ?? true })
      .returning('id');
    await recordAudit(trx, { actor, action: 'company.create', target: { type: 'company', id: row.id } });
    return row.id as number;
  });
}

export async function updateCompany(
  ctx: AppContext,
  actor: Actor,
  companyId: number,
  input: CompanyInput,
): Promise<void> {
  requireAccountManager(actor);
  const v = check(input);
  await ctx.db.transaction(async (trx) => {
    const c = await trx('companies').where({ id: companyId }).forUpdate().first('id');
    if (!c) throw new AppError('not_found', 'agent:errors.companyNotFound');
    if (v.code && (await trx('companies').where({ code: v.code }).whereNot({ id: companyId }).first('id')))
      throw codeTaken();
    await trx('companies')
      .where({ id: companyId })
      .update({ name: v.name, code: v.code, active: input.active ?? true, updated_at: new Date() });
    await recordAudit(trx, {
      actor,
      action: 'company.update',
      target: { type: 'company', id: companyId },
      details: { active: input.active ?? true },
    });
  });
}

export interface ServiceInput {
  name: string;
  circuitId?: string | null;
  address?: string | null;
  active?: boolean;
  /** Where it runs in the network (admins only); undefined leaves it as it is. */
  network?: Partial<NetworkAttributes>;
}

const idSchema = z.number().int().positive();

const NETWORK_MAX = 100;

/** The network columns to write, checked; none when the input says nothing about the network. */
function checkNetwork(actor: Actor, n: Partial<NetworkAttributes> | undefined, fields: FieldErrors) {
  if (!n) return {};
  if (!canEditNetwork(actor)) throw new AppError('forbidden', 'errors.forbidden');
  const v = (x: string | null | undefined) => {
    const s = oneLine(x ?? '');
    return s ? s : null;
  };
  const out = {
    access_node: v(n.accessNode),
    zone: v(n.zone),
    exchange: v(n.exchange),
    technology: v(n.technology)?.toLowerCase() ?? null,
    postcode: v(n.postcode),
  };
  for (const [k, val] of Object.entries(out))
    if (val && val.length > NETWORK_MAX)
      fields[k.replace(/_(\w)/, (_, c: string) => c.toUpperCase())] = 'agent:validation.tooLong';
  if (out.technology && !(TECHNOLOGIES as readonly string[]).includes(out.technology))
    fields.technology = 'agent:validation.technologyInvalid';
  return out;
}

function checkService(actor: Actor, input: ServiceInput) {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  const network = checkNetwork(actor, input.network, fields);
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  return {
    name,
    circuit_id: clean(input.circuitId),
    address: clean(input.address),
    active: input.active ?? true,
    ...network,
  };
}

/** A connection (service) of a customer company. */
export async function createService(
  ctx: AppContext,
  actor: Actor,
  companyId: number,
  input: ServiceInput,
): Promise<number> {
  requireAccountManager(actor);
  const v = checkService(actor, input);
  if (!idSchema.safeParse(companyId).success) throw new AppError('not_found', 'agent:errors.companyNotFound');
  return ctx.db.transaction(async (trx) => {
    if (!(await trx('companies').where({ id: companyId }).first('id')))
      throw new AppError('not_found', 'agent:errors.companyNotFound');
    const [row] = await trx('services')
      .insert({ company_id: companyId, ...v })
      .returning('id');
    await recordAudit(trx, {
      actor,
      action: 'service.create',
      target: { type: 'service', id: row.id },
      details: { companyId },
    });
    return row.id as number;
  });
}

/** Edits a service; a service is deactivated rather than deleted, so its tickets keep it. */
export async function updateService(
  ctx: AppContext,
  actor: Actor,
  serviceId: number,
  input: ServiceInput,
): Promise<void> {
  requireAccountManager(actor);
  const v = checkService(actor, input);
  await writeService(ctx, actor, serviceId, v, 'service.update', { active: v.active });
}

/** Sets where an existing service runs (a CSV of network attributes for services already known). */
export async function updateServiceNetwork(
  ctx: AppContext,
  actor: Actor,
  serviceId: number,
  network: Partial<NetworkAttributes>,
): Promise<void> {
  requireAccountManager(actor);
  const fields: FieldErrors = {};
  const v = checkNetwork(actor, network, fields);
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  await writeService(ctx, actor, serviceId, v, 'service.network_update');
}

/** One service's columns changed, with its audit row, in one transaction. */
function writeService(
  ctx: AppContext,
  actor: Actor,
  serviceId: number,
  columns: Partial<ServiceRow>,
  action: 'service.update' | 'service.network_update',
  details?: Record<string, unknown>,
): Promise<void> {
  return ctx.db.transaction(async (trx) => {
    const n = await trx('services')
      .where({ id: serviceId })
      .update({ ...columns, updated_at: new Date() });
    if (!n) throw new AppError('not_found', 'agent:errors.serviceNotFound');
    await recordAudit(trx, {
      actor,
      action,
      target: { type: 'service', id: serviceId },
      ...(details ? { details } : {}),
    });
  });
}
