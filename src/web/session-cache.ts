/**
 * A short-lived, in-process memo of session lookups (the session row joined with its user), so a burst of
 * page loads costs one query instead of one each.
 *
 * Security: in THIS process every change is seen at once — logout, login and the end of other sessions drop
 * entries explicitly, and every state-changing request (anything but GET/HEAD/OPTIONS: password or profile
 * change, a staff edit of a user) clears the whole memo when it finishes. Another process (a second web
 * process, the CLI, a worker) that deletes a session or deactivates or edits a user is seen here after at
 * most TTL_MS (2 s).
 */
export const TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

export interface SessionRow {
  /** The session data as stored (JSON text): every request parses its own copy. */
  dataJson: string;
  userId: number | null;
  expiresAt: number;
  user: Record<string, unknown> | null;
}

const entries = new Map<string, { row: SessionRow; until: number }>();
let generation = 0;

/** The memoized row of a session id hash, if fresh. */
export function cachedSession(hash: string, now: number): SessionRow | undefined {
  const e = entries.get(hash);
  if (!e) return undefined;
  if (e.until > now && e.row.expiresAt > now) return e.row;
  entries.delete(hash);
  return undefined;
}

/** Stamp taken before a lookup: a row read while the memo was cleared is not kept (it may be stale). */
export const sessionGeneration = (): number => generation;

export function rememberSession(hash: string, row: SessionRow, readAt: number, now: number): void {
  if (readAt !== generation) return;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(hash, { row, until: now + TTL_MS });
}

export function forgetSession(hash: string): void {
  entries.delete(hash);
}

export function forgetAllSessions(): void {
  entries.clear();
  generation++;
}
