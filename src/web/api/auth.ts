import type { Next } from 'koa';
import { markApiTokenUsed } from '../../app/api/tokens.js';
import { type ApiCaller, apiCallerByHash } from '../../app/queries/api-tokens.js';
import { type ApiScope, apiTokenHash, looksLikeApiToken } from '../../domain/api-token.js';
import { AppError } from '../../domain/errors.js';
import type { ApiContext } from './context.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** A minute: the last use of a token is written at most this often. */
const USE_RECORD_MS = 60_000;

/**
 * The caller is the bearer token of the Authorization header (no cookie, no session, so no CSRF either): a
 * missing, unknown or revoked token, or one whose creator may no longer act, is 401.
 */
export async function bearerAuth(ctx: ApiContext, next: Next): Promise<void> {
  const m = BEARER.exec(ctx.get('authorization'));
  if (!m?.[1]) throw new AppError('unauthorized', 'api:problems.tokenMissing');
  const { s } = ctx.state;
  const caller = looksLikeApiToken(m[1]) ? await apiCallerByHash(s.db, apiTokenHash(m[1])) : null;
  if (!caller) throw new AppError('unauthorized', 'api:problems.tokenInvalid');
  const now = Date.now();
  if (!caller.lastUsedAt || now - caller.lastUsedAt.getTime() >= USE_RECORD_MS)
    await markApiTokenUsed(s.app, caller.tokenId);
  ctx.state.caller = caller;
  return next();
}

/** The caller set by bearerAuth, if it may use this scope; 403 otherwise. */
export function callerWith(ctx: ApiContext, scope: ApiScope): ApiCaller {
  const caller = ctx.state.caller;
  if (!caller) throw new AppError('unauthorized', 'api:problems.tokenMissing');
  if (!caller.scopes.includes(scope))
    throw new AppError('forbidden', 'api:problems.scopeMissing', { params: { scope } });
  return caller;
}
