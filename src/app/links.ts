import { createHash } from 'node:crypto';
import { signActionToken, verifyActionToken } from '../domain/tokens.js';

/**
 * Links the mails carry and the web answers. Tokens are signed and expiring, and hold no secret in the
 * database: a reset token is bound to the current password hash, so it is single-use by construction.
 */
export interface LinkUser {
  id: number;
  password_hash: string | null;
}

const HOUR = 3600_000;
const fingerprint = (passwordHash: string | null) =>
  createHash('sha256')
    .update(passwordHash ?? '')
    .digest('hex')
    .slice(0, 12);
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex').toString('utf8');

export const resetToken = (secret: string, u: LinkUser, now = Date.now()) =>
  signActionToken(secret, 'reset', [String(u.id), fingerprint(u.password_hash)], new Date(now + HOUR));

/** The user id of a valid reset token; the caller must check `matchesPassword` against the stored hash. */
export function readResetToken(secret: string, token: string): { userId: number; fp: string } | null {
  const f = verifyActionToken(secret, 'reset', token);
  return f && f.length === 2 ? { userId: Number(f[0]), fp: f[1] as string } : null;
}
export const matchesPassword = (fp: string, passwordHash: string | null) => fp === fingerprint(passwordHash);

/**
 * Confirms a new address. Bound to the account's password hash and current address when signed (at send time):
 * it dies with a password change, and once applied (the address changed), so it works once.
 */
export const emailChangeToken = (
  secret: string,
  u: LinkUser & { email: string },
  newEmail: string,
  now = Date.now(),
) =>
  signActionToken(
    secret,
    'email',
    [String(u.id), hex(newEmail), accountFingerprint(u)],
    new Date(now + 24 * HOUR),
  );

/** The fingerprint of what an email-change link was issued against: the password hash and the address. */
export const accountFingerprint = (u: { password_hash: string | null; email: string }) =>
  fingerprint(`${u.password_hash ?? ''}\n${u.email.toLowerCase()}`);

export function readEmailChangeToken(
  secret: string,
  token: string,
): { userId: number; newEmail: string; fp: string } | null {
  const f = verifyActionToken(secret, 'email', token);
  return f && f.length === 3
    ? { userId: Number(f[0]), newEmail: unhex(f[1] as string), fp: f[2] as string }
    : null;
}

/** Sent to the previous address after a change: puts that address back (7 days, until the address is back). */
export const emailUndoToken = (
  secret: string,
  userId: number,
  oldEmail: string,
  newEmail: string,
  now = Date.now(),
) =>
  signActionToken(
    secret,
    'email-undo',
    [String(userId), hex(oldEmail), hex(newEmail)],
    new Date(now + 7 * 24 * HOUR),
  );

export function readEmailUndoToken(
  secret: string,
  token: string,
): { userId: number; oldEmail: string; newEmail: string } | null {
  const f = verifyActionToken(secret, 'email-undo', token);
  return f && f.length === 3
    ? { userId: Number(f[0]), oldEmail: unhex(f[1] as string), newEmail: unhex(f[2] as string) }
    : null;
}

/**
 * Lets the customer approve or refuse a solution from the mail without typing a password (14 days). Bound to
 * the resolution it was sent for (its time): after a refusal and a new solution, it no longer answers.
 */
export const approvalToken = (
  secret: string,
  ticketId: number,
  userId: number,
  resolvedAt: Date,
  now = Date.now(),
) =>
  signActionToken(
    secret,
    'approve',
    [String(ticketId), String(userId), resolvedAt.getTime().toString(36)],
    new Date(now + 14 * 24 * HOUR),
  );

export function readApprovalToken(
  secret: string,
  token: string,
): { ticketId: number; userId: number; resolvedAt: number } | null {
  const f = verifyActionToken(secret, 'approve', token);
  return f && f.length === 3
    ? { ticketId: Number(f[0]), userId: Number(f[1]), resolvedAt: parseInt(f[2] as string, 36) }
    : null;
}

/**
 * The satisfaction survey of a closed ticket, answered without a password (30 days). Names the ticket and its
 * requester; the answer rules (one per ticket, changeable for a while) live in the use case.
 */
export const surveyToken = (secret: string, ticketId: number, userId: number, now = Date.now()) =>
  signActionToken(secret, 'survey', [String(ticketId), String(userId)], new Date(now + 30 * 24 * HOUR));

export function readSurveyToken(secret: string, token: string): { ticketId: number; userId: number } | null {
  const f = verifyActionToken(secret, 'survey', token);
  return f && f.length === 2 ? { ticketId: Number(f[0]), userId: Number(f[1]) } : null;
}

/** The URLs mails link to; the web serves exactly these paths. */
export const urls = (publicUrl: string) => {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    login: () => `${base}/login`,
    ticket: (id: number) => `${base}/tickets/${id}`,
    approve: (token: string) => `${base}/approve/${token}`,
    /** A survey link with the score the customer clicked (the page asks to confirm it). */
    survey: (token: string, score: number) => `${base}/survey/${token}?score=${score}`,
    resetPassword: (token: string) => `${base}/password/reset/${token}`,
    confirmEmail: (token: string) => `${base}/profile/email/confirm/${token}`,
    undoEmail: (token: string) => `${base}/profile/email/undo/${token}`,
    agentTicket: (id: number) => `${base}/agent/tickets/${id}`,
    heldMail: (id: number) => `${base}/agent/quarantine/${id}`,
    webhook: (id: number) => `${base}/agent/admin/webhooks/${id}`,
  };
};
