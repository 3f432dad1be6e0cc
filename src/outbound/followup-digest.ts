import type { Db } from '../db/db.js';

/** The follow-ups an agents' digest row lists (app/agent-followup-mail.ts); empty for any other row. */
export const digestFollowupIds = (payload: Record<string, unknown>): number[] =>
  Array.isArray(payload.followupIds)
    ? payload.followupIds.filter((id): id is number => typeof id === 'number')
    : [];

/** The text of several follow-ups for one mail, oldest first, each under its author's name. */
export async function digestBody(db: Db, ids: readonly number[]): Promise<string> {
  const rows: { body: string; author: string | null }[] = await db('followups as f')
    .leftJoin('users as u', 'u.id', 'f.author_id')
    .whereIn('f.id', ids)
    .orderBy('f.id')
    .select('f.body', 'u.name as author');
  return rows.map((r) => `${r.author ?? ''}:\n${r.body.trim()}`).join('\n\n———\n\n');
}
