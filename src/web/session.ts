import { createHash, randomBytes } from 'node:crypto';
import type { Next } from 'koa';
import { actorOf } from '../app/actor.js';
import type { SessionData, WebContext, WebUser } from './context.js';

/**
 * Server-side sessions in Postgres (`sessions`): the cookie holds a random id, signed with app.keys; the table
 * holds only its SHA-256, so a database leak gives no usable session. Idle expiry slides, written at most
 * once every 10 minutes per session.
 */
export const SESSION_COOKIE = 'izd_sid';
const IDLE_MS = 12 * 3600_000;
const REFRESH_MS = 10 * 60_000;

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');
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

/** Loads the session and its user; saves changed session data after the response is built. */
export async function sessionMiddleware(ctx: WebContext, next: Next): Promise<void> {
  const { db } = ctx.state.s;
  ctx.state.session = null;
  ctx.state.user = null;
  ctx.state.actor = null;
  const id = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (id) {
    const row = await db('sessions as s')
      .leftJoin('users as u', function () {
        this.on('u.id', 's.user_id').andOn('u.active', db.raw('true'));
      })
      .where('s.id', hashId(id))
      .andWhere('s.expires_at', '>', db.fn.now())
      .first('s.data', 's.user_id', 's.expires_at', ...USER_COLUMNS.map((c) => `u.${c} as u_${c}`));
    if (row) {
      ctx.state.session = { id, userId: row.user_id, data: row.data ?? {}, dirty: false };
      if (row.u_id) {
        const user = Object.fromEntries(USER_COLUMNS.map((c) => [c, row[`u_${c}`]])) as unknown as WebUser;
        ctx.state.user = user;
        ctx.state.actor = actorOf(user);
      }
      if (new Date(row.expires_at).getTime() - Date.now() < IDLE_MS - REFRESH_MS) {
        await db('sessions')
          .where({ id: hashId(id) })
          .update({ expires_at: new Date(Date.now() + IDLE_MS) });
      }
    }
  }
  await next();
  const sess = ctx.state.session;
  if (sess?.dirty) {
    await db('sessions')
      .where({ id: hashId(sess.id) })
      .update({ data: JSON.stringify(sess.data) });
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

/** The visitor's session, created (anonymous) when a form needs a CSRF token. */
export async function ensureSession(ctx: WebContext) {
  if (!ctx.state.session) await createSession(ctx, null, { csrf: newId() });
  return ctx.state.session as NonNullable<WebContext['state']['session']>;
}

/** Signs a user in under a NEW session id (the old one is deleted: no session fixation). */
export async function startUserSession(ctx: WebContext, userId: number): Promise<void> {
  if (ctx.state.session)
    await ctx.state.s
      .db('sessions')
      .where({ id: hashId(ctx.state.session.id) })
      .del();
  await createSession(ctx, userId, { csrf: newId() });
}

/** Ends the session server side and clears the cookie. */
export async function endSession(ctx: WebContext): Promise<void> {
  if (ctx.state.session)
    await ctx.state.s
      .db('sessions')
      .where({ id: hashId(ctx.state.session.id) })
      .del();
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
}

export async function csrfToken(ctx: WebContext): Promise<string> {
  const sess = await ensureSession(ctx);
  if (!sess.data.csrf) {
    sess.data.csrf = newId();
    sess.dirty = true;
  }
  return sess.data.csrf;
}

export function setFlash(ctx: WebContext, key: string, params?: Record<string, string | number>): void {
  if (!ctx.state.session) return;
  ctx.state.session.data.flash = { key, ...(params ? { params } : {}) };
  ctx.state.session.dirty = true;
}

export function takeFlash(ctx: WebContext): SessionData['flash'] | null {
  const sess = ctx.state.session;
  if (!sess?.data.flash) return null;
  const key = sess.data.flash;
  delete sess.data.flash;
  sess.dirty = true;
  return key;
}
