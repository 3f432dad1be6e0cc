import type { ParsedMail } from './parse.js';
import { ParsePool, ParsePoolUnavailable } from './parse-pool.js';
import { pgSafe } from './pg-safe.js';

export interface ReadLimits {
  maxAttachmentBytes: number;
  timeoutMs: number;
}

export interface ReadMail {
  parsed: ParsedMail | null;
  /** Why the message could not be read (parser error, or over the time limit), or null. */
  error: string | null;
}

let pool: ParsePool | null = null;

/** Starts the parse workers ahead of the first message. */
export function warmParsePool(): void {
  pool ??= new ParsePool();
  pool.warm();
}

/** Stops the parse workers (a later read starts new ones). */
export async function closeParsePool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

/**
 * Reads one raw message off the main thread, within a time limit, into strings Postgres can store: the one door
 * by which mail content enters the ingest (new mail and released mail alike).
 */
export async function readMail(raw: Buffer, limits: ReadLimits): Promise<ReadMail> {
  pool ??= new ParsePool();
  try {
    const parsed = await pool.parse(
      raw,
      { maxAttachmentBytes: limits.maxAttachmentBytes, timeoutMs: limits.timeoutMs },
      limits.timeoutMs,
    );
    return { parsed: pgSafe(parsed), error: null };
  } catch (err) {
    if (err instanceof ParsePoolUnavailable) throw err;
    return { parsed: null, error: pgSafe((err as Error).message.slice(0, 200)) };
  }
}
