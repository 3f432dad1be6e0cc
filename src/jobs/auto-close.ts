import type { AppContext } from '../app/context.js';
import { close } from '../app/tickets/lifecycle.js';
import { isAppError } from '../domain/errors.js';

const SYSTEM = { kind: 'system' } as const;
const DAY_MS = 86_400_000;

/**
 * Closes resolved tickets the customer neither approved nor refused within `days` days (0 = never), through
 * the `close` use case as the system, so each gets its history row and its 'ticket.closed' notification.
 * A ticket approved, refused or reopened meanwhile is skipped (the use case refuses the transition).
 */
export async function autoCloseResolved(
  app: AppContext,
  days: number,
  now = new Date(),
  batch = 500,
): Promise<{ closed: number; skipped: number }> {
  if (days <= 0) return { closed: 0, skipped: 0 };
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  let closed = 0;
  let skipped = 0;
  let afterId = 0;
  for (;;) {
    const ids: number[] = (
      await app
        .db('tickets')
        .where({ status: 'resolved' })
        .where('resolved_at', '<', cutoff)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(batch)
        .select('id')
    ).map((r: { id: number }) => r.id);
    for (const id of ids) {
      try {
        await close(app, SYSTEM, id, { reason: 'auto_close' });
        closed++;
      } catch (err) {
        if (!isAppError(err)) throw err;
        skipped++;
      }
    }
    if (ids.length < batch) break;
    afterId = ids.at(-1) as number;
  }
  return { closed, skipped };
}
