import {
  type ApiScope,
  apiTokenHash,
  apiTokenPrefix,
  isApiScope,
  newApiToken,
} from '../../domain/api-token.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { oneLine } from '../../domain/single-line.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { requireAdmin } from '../agent/guards.js';
import { type AppContext, nowOf } from '../context.js';

export interface NewApiToken {
  id: number;
  /** The secret value, returned this once and never stored. */
  token: string;
}

/** An admin creates a token for a program; it acts as that admin, within its scopes. */
export async function createApiToken(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; scopes: readonly string[] },
): Promise<NewApiToken> {
  requireAdmin(actor);
  const by = actorId(actor);
  if (by === null) throw new AppError('forbidden', 'errors.forbidden');
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  else if (name.length > 80) fields.name = 'agent:validation.tooLong';
  const scopes = [...new Set(input.scopes)];
  if (!scopes.length || !scopes.every(isApiScope)) fields.scopes = 'api:tokens.scopesRequired';
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  const token = newApiToken();
  const [row] = await ctx
    .db('api_tokens')
    .insert({
      name,
      scopes: scopes.filter((s): s is ApiScope => isApiScope(s)),
      token_hash: apiTokenHash(token),
      token_prefix: apiTokenPrefix(token),
      created_by: by,
    })
    .returning('id');
  return { id: row.id as number, token };
}

/** An admin revokes a token: it is refused from the next request on (the row stays, for the record). */
export async function revokeApiToken(ctx: AppContext, actor: Actor, tokenId: number): Promise<void> {
  requireAdmin(actor);
  const n = await ctx
    .db('api_tokens')
    .where({ id: tokenId })
    .whereNull('revoked_at')
    .update({ revoked_at: nowOf(ctx) });
  if (n) return;
  if (!(await ctx.db('api_tokens').where({ id: tokenId }).first('id')))
    throw new AppError('not_found', 'api:tokens.notFound');
}

/**
 * Records that a token was used. Callers call it at most once a minute per token; the condition keeps other
 * processes from writing the row more often than that too.
 */
export async function markApiTokenUsed(ctx: AppContext, tokenId: number): Promise<void> {
  const now = nowOf(ctx);
  await ctx
    .db('api_tokens')
    .where({ id: tokenId })
    .where((w) => w.whereNull('last_used_at').orWhere('last_used_at', '<', new Date(now.getTime() - 60_000)))
    .update({ last_used_at: now });
}
