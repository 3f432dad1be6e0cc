import type { Db } from '../../db/db.js';
import { type ApiScope, isApiScope } from '../../domain/api-token.js';
import type { Role } from '../../domain/ticket-status.js';

/** A token that may be used, with the account it acts as. */
export interface ApiCaller {
  tokenId: number;
  scopes: ApiScope[];
  lastUsedAt: Date | null;
  user: { id: number; role: Role; company_id: number | null; is_company_manager: boolean; name: string };
}

/**
 * The caller of a token hash: null when no token has it, it was revoked, or its creator can no longer act
 * (deactivated, or no longer staff).
 */
export async function apiCallerByHash(db: Db, tokenHash: string): Promise<ApiCaller | null> {
  const row:
    | {
        id: number;
        scopes: string[];
        last_used_at: Date | null;
        user_id: number;
        role: Role;
        company_id: number | null;
        is_company_manager: boolean;
        name: string;
      }
    | undefined = await db('api_tokens as k')
    .join('users as u', 'u.id', 'k.created_by')
    .where('k.token_hash', tokenHash)
    .whereNull('k.revoked_at')
    .where('u.active', true)
    .whereIn('u.role', ['agent', 'admin'])
    .first(
      'k.id',
      'k.scopes',
      'k.last_used_at',
      'u.id as user_id',
      'u.role',
      'u.company_id',
      'u.is_company_manager',
      'u.name',
    );
  if (!row) return null;
  return {
    tokenId: row.id,
    scopes: row.scopes.filter(isApiScope),
    lastUsedAt: row.last_used_at,
    user: {
      id: row.user_id,
      role: row.role,
      company_id: row.company_id,
      is_company_manager: row.is_company_manager,
      name: row.name,
    },
  };
}

export interface ApiTokenListRow {
  id: number;
  name: string;
  scopes: string[];
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_name: string;
}

/** Every token, live ones first, newest first. */
export const listApiTokens = (db: Db): Promise<ApiTokenListRow[]> =>
  db('api_tokens as k')
    .join('users as u', 'u.id', 'k.created_by')
    .orderByRaw('k.revoked_at is not null, k.created_at desc, k.id desc')
    .select(
      'k.id',
      'k.name',
      'k.scopes',
      'k.token_prefix',
      'k.created_at',
      'k.last_used_at',
      'k.revoked_at',
      'u.name as created_by_name',
    );
