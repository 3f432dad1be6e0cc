import { createHash, randomBytes } from 'node:crypto';
import type { Next } from 'koa';
import { z } from 'zod';
import { actorOf } from '../app/actor.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { SessionData, WebContext, WebUser } from './context.js';
import { anonymousCsrfToken } from './csrf.js';
import {
  cachedSession,
  forgetAllSessions,
  forgetSession,
  rememberSession,
  type SessionRow,
  sessionGeneration,
} from './session-cache.js';

/**
 * Server-side sessions in Postgres (`sessions`): the cookie holds a random id, signed with app.keys; the table
 * holds only its SHA-256, so a database leak gives no usable session. Idle expiry slides, written at most
 * once every 10 minutes per session. Lookups are memoized for 2 s in-process: see session-cache.ts for what
 * that means for logout and password changes.
 */
export const SESSION_COOKIE = 'izd_sid';
const IDLE_MS = 12 * 3600_000;
const REFRESH_MS = 10 * 60_000;

export const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');
const newId = () => randomBytes(32).toString('base64url');

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'phone',
  'role',
  'company_id',
  'is_company_manager',
  'language',
  'time_zone',
  'page_size',
  'must_change_password',
] as const;

function setCookie(ctx: WebContext, id: string | null): void {
  ctx.cookies.set(SESSION_COOKIE, id, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    overwrite: true,
  });
}

/** Expired sessions are swept now and then by the requests themselves (about one request in 500). */
function maybeSweep(ctx: WebContext): void {
  if (Math.random() >= 0.002) return;
  ctx.state.s
    .db('sessions')
    .where('expires_at', '<', new Date())
    .del()
    .catch((err: unknown) => ctx.state.s.logger.warn({ err }, 'session sweep failed'));
}

// One prepared statement (no query builder on the hot path); `u_*` columns are the user's, null when inactive.
// Exported for the portal bench's floor page, which issues the same statement.
export const SESSION_SQL = `select s.data::text as data_json, s.user_id, s.expires_at, ${USER_COLUMNS.map((c) => `u.${c} as u_${c}`).join(', ')}
  from sessions s left join users u on u.id = s.user_id and u.active
  where s.id = $1 and s.expires_at > now()`;

/** The session row and its user: from the short in-process memo (session-cache.ts), else from Postgres. */
async function loadSession(ctx: WebContext, hash: string): Promise<SessionRow | null> {
  const now = Date.now();
  const hit = cachedSession(hash, now);
  if (hit) return hit;
  const readAt = sessionGeneration();
  const [r] = await preparedQuery<Record<string, unknown>>(ctx.state.s.pg, SESSION_SQL, [hash]);
  if (!r) return null;
  const row: SessionRow = {
    dataJson: (r.data_json as string | null) ?? '{}',
    userId: r.user_id as number | null,
    expiresAt: new Date(r.expires_at as Date).getTime(),
    user: r.u_id == null ? null : Object.fromEntries(USER_COLUMNS.map((c) => [c, r[`u_${c}`]])),
  };
  rememberSession(hash, row, readAt, Date.now());
  return row;
}

/** Cookie value + signature pairs already verified (HMAC) with app.keys: the same pair always verifies. */
const verifiedCookies = new Set<string>();

/** The session id of a validly signed cookie; each distinct pair is checked with the keys once. */
function signedSessionId(ctx: WebContext): string | undefined {
  const value = ctx.cookies.get(SESSION_COOKIE, { signed: false });
  const sig = ctx.cookies.get(`${SESSION_COOKIE}.sig`, { signed: false });
  if (!value || !sig) return undefined;
  const pair = `${value}.${sig}`;
  if (verifiedCookies.has(pair)) return value;
  const id = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (id === value) {
    if (verifiedCookies.size >= 10_000) verifiedCookies.clear();
    verifiedCookies.add(pair);
  }
  return id;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Loads the session and its user; saves changed session data after the response is built. */
export async function sessionMiddleware(ctx: WebContext, next: Next): Promise<void> {
  const { db } = ctx.state.s;
  ctx.state.session = null;
  ctx.state.user = null;
  ctx.state.actor = null;
  maybeSweep(ctx);
  const id = signedSessionId(ctx);
  if (id) {
    const hash = hashId(id);
    const row = await loadSession(ctx, hash);
    if (row) {
      ctx.state.session = { id, userId: row.userId, data: JSON.parse(row.dataJson), dirty: false };
      if (row.user) {
        const user = { ...row.user } as unknown as WebUser;
        ctx.state.user = user;
        ctx.state.actor = actorOf(user);
      }
      if (row.expiresAt - Date.now() < IDLE_MS - REFRESH_MS) {
        forgetSession(hash);
        await db('sessions')
          .where({ id: hash })
          .update({ expires_at: new Date(Date.now() + IDLE_MS) });
      }
    }
  }
  try {
    await next();
  } finally {
    // A state-changing request may have changed any user or session: nothing memoized before it is kept.
    if (!SAFE_METHODS.has(ctx.method)) forgetAllSessions();
  }
  const sess = ctx.state.session;
  if (sess?.dirty) {
    await db('sessions')
      .where({ id: hashId(sess.id) })
      .update({ data: JSON.stringify(sess.data) });
    // Also voids lookups of this session still in flight (they may have read the old data).
    forgetAllSessions();
  }
}

async function createSession(ctx: WebContext, userId: number | null, data: SessionData): Promise<void> {
  const id = newId();
  await ctx.state.s.db('sessions').insert({
    id: hashId(id),
    user_id: userId,
    data: JSON.stringify(data),
    expires_at: new Date(Date.now() + IDLE_MS),
  });
  ctx.state.session = { id, userId, data, dirty: false };
  setCookie(ctx, id);
}

/** Signs a user in under a NEW session id (the old one is deleted: no session fixation). */
export async function startUserSession(ctx: WebContext, userId: number): Promise<void> {
  if (ctx.state.session) {
    await ctx.state.s
      .db('sessions')
      .where({ id: hashId(ctx.state.session.id) })
      .del();
    forgetSession(hashId(ctx.state.session.id));
  }
  await createSession(ctx, userId, { csrf: newId() });
}

/** Ends the session server side and clears the cookie. */
export async function endSession(ctx: WebContext): Promise<void> {
  if (ctx.state.session) {
    await ctx.state.s
      .db('sessions')
      .where({ id: hashId(ctx.state.session.id) })
      .del();
    forgetSession(hashId(ctx.state.session.id));
  }
  ctx.state.session = null;
  ctx.state.user = null;
  ctx.state.actor = null;
  setCookie(ctx, null);
}

/** Ends every session of a user (after a password reset), except the current one. */
export async function endOtherSessions(ctx: WebContext, userId: number): Promise<void> {
  const q = ctx.state.s.db('sessions').where({ user_id: userId });
  if (ctx.state.session) q.whereNot({ id: hashId(ctx.state.session.id) });
  await q.del();
  forgetAllSessions();
}

/**
 * The CSRF token of a page's forms: the session's for a signed-in user; for a visitor without a session, a
 * stateless one (csrf.ts), so serving a login or reset form to anyone writes nothing to the database.
 */
export async function csrfToken(ctx: WebContext): Promise<string> {
  const sess = ctx.state.session;
  if (!sess) return anonymousCsrfToken(ctx);
  if (!sess.data.csrf) {
    sess.data.csrf = newId();
    sess.dirty = true;
  }
  return sess.data.csrf;
}

const FLASH_COOKIE = 'izd_flash';
type Flash = NonNullable<SessionData['flash']>;

/** A one-shot message for the next page: in the session, or for a visitor without one in a short signed cookie. */
export function setFlash(ctx: WebContext, key: string, params?: Record<string, string | number>): void {
  const flash: Flash = { key, ...(params ? { params } : {}) };
  if (!ctx.state.session) {
    ctx.cookies.set(FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      maxAge: 60_000,
    });
    return;
  }
  ctx.state.session.data.flash = flash;
  ctx.state.session.dirty = true;
}

export function takeFlash(ctx: WebContext): Flash | null {
  const sess = ctx.state.session;
  if (sess?.data.flash) {
    const flash = sess.data.flash;
    delete sess.data.flash;
    sess.dirty = true;
    return flash;
  }
  const cookie = ctx.cookies.get(FLASH_COOKIE, { signed: true });
  if (!cookie) return null;
  ctx.cookies.set(FLASH_COOKIE, null, { signed: true });
  const parsed = flashSchema.safeParse(JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')));
  return parsed.success ? parsed.data : null;
}

const flashSchema = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
