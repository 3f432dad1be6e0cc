import type { Db, Tx } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor } from '../../domain/ticket-status.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { requireAdmin } from './guards.js';

function teamName(name: string): string {
  const v = oneLine(name);
  const key = !v ? 'validation.nameRequired' : v.length > 80 ? 'agent:validation.tooLong' : null;
  if (key) throw new AppError('invalid', 'validation.fixFields', { fields: { name: key } });
  return v;
}

async function checkNameFree(trx: Tx, name: string, exceptId: number | null): Promise<void> {
  const q = trx('teams').whereRaw('lower(name) = lower(?)', [name]);
  if (exceptId !== null) q.whereNot({ id: exceptId });
  if (await q.first('id'))
    throw new AppError('conflict', 'agent:teams.nameTaken', { fields: { name: 'agent:teams.nameTaken' } });
}

async function lockTeam(trx: Tx, teamId: number): Promise<{ id: number; name: string; active: boolean }> {
  const team = await trx('teams').where({ id: teamId }).forUpdate().first('id', 'name', 'active');
  if (!team) throw new AppError('not_found', 'agent:teams.notFound');
  return team;
}

/** A new team of agents (admins only); names are unique, ignoring case. */
export async function createTeam(ctx: AppContext, actor: Actor, input: { name: string }): Promise<number> {
  requireAdmin(actor);
  const name = teamName(input.name);
  return ctx.db.transaction(async (trx) => {
    await checkNameFree(trx, name, null);
    const [row] = await trx('teams').insert({ name }).returning('id');
    await recordAudit(trx, {
      actor,
      action: 'team.create',
      target: { type: 'team', id: row.id },
      details: { name },
    });
    return row.id as number;
  });
}

/**
 * Renames a team or (de)activates it. A deactivated team keeps its tickets and members but routing rules no
 * longer send tickets to it.
 */
export async function updateTeam(
  ctx: AppContext,
  actor: Actor,
  teamId: number,
  input: { name: string; active: boolean },
): Promise<void> {
  requireAdmin(actor);
  const name = teamName(input.name);
  await ctx.db.transaction(async (trx) => {
    await lockTeam(trx, teamId);
    await checkNameFree(trx, name, teamId);
    await trx('teams').where({ id: teamId }).update({ name, active: input.active, updated_at: new Date() });
    await recordAudit(trx, {
      actor,
      action: 'team.update',
      target: { type: 'team', id: teamId },
      details: { name, active: input.active },
    });
  });
}

async function staffMember(db: Db | Tx, userId: number): Promise<void> {
  const u = await db('users').where({ id: userId }).whereIn('role', ['agent', 'admin']).first('id');
  if (!u)
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { userId: 'validation.assigneeInvalid' },
    });
}

/** Adds an agent to a team, or changes whether they lead it. */
export async function setTeamMember(
  ctx: AppContext,
  actor: Actor,
  teamId: number,
  input: { userId: number; isLead: boolean },
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    await lockTeam(trx, teamId);
    await staffMember(trx, input.userId);
    await trx('team_members')
      .insert({ team_id: teamId, user_id: input.userId, is_lead: input.isLead })
      .onConflict(['team_id', 'user_id'])
      .merge({ is_lead: input.isLead });
    await recordAudit(trx, {
      actor,
      action: 'team.member_set',
      target: { type: 'team', id: teamId },
      details: { userId: input.userId, isLead: input.isLead },
    });
  });
}

/** Takes an agent out of a team; their tickets stay theirs. */
export async function removeTeamMember(
  ctx: AppContext,
  actor: Actor,
  teamId: number,
  userId: number,
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    await lockTeam(trx, teamId);
    await trx('team_members').where({ team_id: teamId, user_id: userId }).delete();
    await recordAudit(trx, {
      actor,
      action: 'team.member_remove',
      target: { type: 'team', id: teamId },
      details: { userId },
    });
  });
}
