import { describe, expect, it, vi } from 'vitest';
import {
  accountFingerprint,
  approvalToken,
  emailChangeToken,
  emailUndoToken,
  matchesPassword,
  readApprovalToken,
  readEmailChangeToken,
  readEmailUndoToken,
  readResetToken,
  resetToken,
  urls,
} from '../../src/app/links.js';

const SECRET = 'links-secret-links-secret-links-secret-01';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Runs `fn` as if the clock said `time` (the readers take the current time). */
function at<T>(time: number, fn: () => T): T {
  vi.useFakeTimers({ now: time, toFake: ['Date'] });
  try {
    return fn();
  } finally {
    vi.useRealTimers();
  }
}

describe('reset token', () => {
  const user = { id: 42, password_hash: '$argon2id$v=19$m=19456,t=2,p=1$old' };

  it('names the user and is valid for an hour', () => {
    const t = resetToken(SECRET, user);
    const read = readResetToken(SECRET, t);
    expect(read?.userId).toBe(42);
    expect(matchesPassword(read?.fp as string, user.password_hash)).toBe(true);
    const issued = Date.now() - HOUR - 5000;
    expect(readResetToken(SECRET, resetToken(SECRET, user, issued))).toBeNull();
    expect(readResetToken(SECRET, resetToken(SECRET, user, Date.now() - HOUR + 60_000))?.userId).toBe(42);
  });
  it('is single-use: once the password changes, the fingerprint no longer matches', () => {
    const read = readResetToken(SECRET, resetToken(SECRET, user));
    expect(matchesPassword(read?.fp as string, '$argon2id$v=19$m=19456,t=2,p=1$new')).toBe(false);
    expect(matchesPassword(read?.fp as string, null)).toBe(false);
  });
  it('works for a user without a password yet, until one is set', () => {
    const read = readResetToken(SECRET, resetToken(SECRET, { id: 5, password_hash: null }));
    expect(read?.userId).toBe(5);
    expect(matchesPassword(read?.fp as string, null)).toBe(true);
    expect(matchesPassword(read?.fp as string, '$argon2id$set')).toBe(false);
  });
  it('is refused with another secret, when tampered, or for another purpose', () => {
    const t = resetToken(SECRET, user);
    expect(readResetToken('x'.repeat(40), t)).toBeNull();
    expect(readResetToken(SECRET, t.replace(/^42\./, '43.'))).toBeNull();
    expect(readEmailChangeToken(SECRET, t)).toBeNull();
    expect(readApprovalToken(SECRET, t)).toBeNull();
  });
});

describe('e-mail change token', () => {
  const account = { id: 7, email: 'old@acme.example', password_hash: '$argon2id$v=19$m=1$abc' };
  it('carries the new address (any characters) for 24 hours', () => {
    const email = 'lucía.o’brien+isp@acme.example';
    const t = emailChangeToken(SECRET, account, email);
    expect(t).toMatch(/^[a-z0-9.]+$/);
    expect(readEmailChangeToken(SECRET, t)).toEqual({
      userId: 7,
      newEmail: email,
      fp: accountFingerprint(account),
    });
    expect(
      readEmailChangeToken(SECRET, emailChangeToken(SECRET, account, email, Date.now() - DAY - 5000)),
    ).toBeNull();
  });
  it('is bound to the password hash and the address it replaces', () => {
    const fp = readEmailChangeToken(SECRET, emailChangeToken(SECRET, account, 'a@b.example'))?.fp;
    expect(fp).toBe(accountFingerprint(account));
    expect(fp).not.toBe(accountFingerprint({ ...account, password_hash: '$argon2id$other' }));
    expect(fp).not.toBe(accountFingerprint({ ...account, email: 'a@b.example' }));
  });
  it('cannot be pointed at another address', () => {
    const t = emailChangeToken(SECRET, account, 'a@b.example');
    const other = Buffer.from('evil@b.example').toString('hex');
    const parts = t.split('.');
    expect(readEmailChangeToken(SECRET, [parts[0], other, ...parts.slice(2)].join('.'))).toBeNull();
    expect(readResetToken(SECRET, t)).toBeNull();
    expect(readEmailUndoToken(SECRET, t)).toBeNull();
  });
});

describe('e-mail undo token', () => {
  it('names the account, the previous and the new address for 7 days', () => {
    const now = Date.now();
    const t = emailUndoToken(SECRET, 7, 'old@acme.example', 'new@evil.example', now);
    expect(readEmailUndoToken(SECRET, t)).toEqual({
      userId: 7,
      oldEmail: 'old@acme.example',
      newEmail: 'new@evil.example',
    });
    expect(at(now + 7 * DAY + 60_000, () => readEmailUndoToken(SECRET, t))).toBeNull();
    expect(readEmailChangeToken(SECRET, t)).toBeNull();
  });
});

describe('approval token', () => {
  it('names ticket and customer for 14 days', () => {
    const now = Date.now();
    const resolvedAt = new Date(now - 3600_000);
    const t = approvalToken(SECRET, 123, 45, resolvedAt, now);
    expect(readApprovalToken(SECRET, t)).toEqual({
      ticketId: 123,
      userId: 45,
      resolvedAt: resolvedAt.getTime(),
    });
    expect(at(now + 14 * DAY - 60_000, () => readApprovalToken(SECRET, t))).toEqual({
      ticketId: 123,
      userId: 45,
      resolvedAt: resolvedAt.getTime(),
    });
    expect(at(now + 14 * DAY + 60_000, () => readApprovalToken(SECRET, t))).toBeNull();
  });
  it('is refused when tampered or signed elsewhere', () => {
    const t = approvalToken(SECRET, 123, 45, new Date());
    expect(readApprovalToken(SECRET, t.replace(/^123\./, '124.'))).toBeNull();
    expect(readApprovalToken('y'.repeat(40), t)).toBeNull();
    expect(readResetToken(SECRET, t)).toBeNull();
  });
});

describe('urls', () => {
  it('builds the paths the web serves, whatever trailing slashes the base has', () => {
    for (const base of ['https://soporte.izarlink.es', 'https://soporte.izarlink.es//']) {
      const u = urls(base);
      expect(u.login()).toBe('https://soporte.izarlink.es/login');
      expect(u.ticket(12)).toBe('https://soporte.izarlink.es/tickets/12');
      expect(u.approve('a.b')).toBe('https://soporte.izarlink.es/approve/a.b');
      expect(u.resetPassword('r')).toBe('https://soporte.izarlink.es/password/reset/r');
      expect(u.confirmEmail('e')).toBe('https://soporte.izarlink.es/profile/email/confirm/e');
      expect(u.agentTicket(9)).toBe('https://soporte.izarlink.es/agent/tickets/9');
    }
  });
});
