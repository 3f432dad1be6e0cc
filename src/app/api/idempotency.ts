import { AppError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface IdempotencyKey {
  tokenId: number;
  key: string;
  /** The SHA-256 of what the request asked (method, path, body): a key reused for another request is refused. */
  requestHash: string;
}

/**
 * Runs a write of the API once per (token, key). The key is claimed first, in the same transaction as the use
 * case (which runs on that transaction, its own becoming a savepoint), and the answer stored with it: a retry
 * after a lost answer gets the stored one, and a retry sent while the first is still running waits on the
 * claimed row and then gets its answer. A refused request (an error) stores nothing: it may be sent again.
 */
export async function withIdempotency(
  ctx: AppContext,
  key: IdempotencyKey,
  run: (app: AppContext) => Promise<ApiAnswer>,
): Promise<ApiAnswer & { replayed: boolean }> {
  return ctx.db.transaction(async (trx) => {
    const claimed = await trx('api_idempotency')
      .insert({ token_id: key.tokenId, key: key.key, request_hash: key.requestHash })
      .onConflict(['token_id', 'key'])
      .ignore()
      .returning('token_id');
    if (!claimed.length) {
      const stored = await trx('api_idempotency').where({ token_id: key.tokenId, key: key.key }).first();
      if (!stored || stored.status === null || stored.body === null)
        throw new Error('idempotency key claimed but not answered');
      if (stored.request_hash !== key.requestHash)
        throw new AppError('invalid', 'api:problems.idempotencyMismatch');
      return { status: stored.status, body: stored.body, replayed: true };
    }
    const answer = await run({ ...ctx, db: trx });
    await trx('api_idempotency')
      .where({ token_id: key.tokenId, key: key.key })
      .update({ status: answer.status, body: JSON.stringify(answer.body) });
    return { ...answer, replayed: false };
  });
}
