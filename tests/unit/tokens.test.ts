import { describe, expect, it } from 'vitest';
import {
  findReplyToken,
  signActionToken,
  signReplyToken,
  verifyActionToken,
} from '../../src/domain/tokens.js';

const SECRET = 'unit-secret-unit-secret-unit-secret-0001';
const OTHER = 'another-installation-secret-0000000000002';

describe('reply tokens', () => {
  const token = signReplyToken(SECRET, { ticketId: 123, userId: 45 });

  it('look like t123.u45.<20 base32 characters>, lower case', () => {
    expect(token).toMatch(/^t123\.u45\.[a-z2-7]{20}$/);
    expect(signReplyToken(SECRET, { ticketId: 123, userId: 45 })).toBe(token); // deterministic
  });
  it('round-trip', () => {
    expect(findReplyToken(SECRET, token)).toEqual({ ticketId: 123, userId: 45 });
    const big = signReplyToken(SECRET, { ticketId: 987_654_321_012, userId: 1 });
    expect(findReplyToken(SECRET, big)).toEqual({ ticketId: 987_654_321_012, userId: 1 });
  });
  it('are found inside addresses, Message-IDs and References', () => {
    expect(findReplyToken(SECRET, `support+${token}@izarlink.es`)).toEqual({ ticketId: 123, userId: 45 });
    expect(findReplyToken(SECRET, `"IzarLink" <support+${token}@izarlink.es>`)?.ticketId).toBe(123);
    expect(findReplyToken(SECRET, `<k2j4h5.${token}@izarlink.es>`)?.userId).toBe(45);
    const refs = `<CAF=abc@mail.gmail.com> <x9.${signReplyToken(SECRET, { ticketId: 7, userId: 8 })}@izarlink.es>`;
    expect(findReplyToken(SECRET, refs)).toEqual({ ticketId: 7, userId: 8 });
  });
  it('survive clients that fold the local part in case', () => {
    expect(findReplyToken(SECRET, `SUPPORT+${token.toUpperCase()}@IZARLINK.ES`)).toEqual({
      ticketId: 123,
      userId: 45,
    });
  });
  it('skip an invalid candidate and find a valid one later in the text', () => {
    const forged = `t999.u45.${'a'.repeat(20)}`;
    expect(findReplyToken(SECRET, `<1.${forged}@x> <2.${token}@x>`)).toEqual({ ticketId: 123, userId: 45 });
  });
  it('refuse tampering and other installations’ tokens', () => {
    const [, , sig] = token.split('.');
    expect(findReplyToken(SECRET, `t124.u45.${sig}`)).toBeNull(); // other ticket
    expect(findReplyToken(SECRET, `t123.u46.${sig}`)).toBeNull(); // other recipient
    const flipped = `${sig?.[0] === 'a' ? 'b' : 'a'}${sig?.slice(1)}`;
    expect(findReplyToken(SECRET, `t123.u45.${flipped}`)).toBeNull();
    expect(findReplyToken(OTHER, token)).toBeNull();
    expect(findReplyToken(SECRET, `t123.u45.${sig?.slice(0, 19)}`)).toBeNull();
    expect(findReplyToken(SECRET, 'support@izarlink.es')).toBeNull();
    expect(findReplyToken(SECRET, '')).toBeNull();
  });
});

describe('action tokens', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const inAnHour = new Date(now.getTime() + 3600_000);

  it('carry their fields until they expire', () => {
    const t = signActionToken(SECRET, 'approve', ['12', '34'], inAnHour);
    expect(t).toMatch(/^[a-z0-9.]+$/);
    expect(verifyActionToken(SECRET, 'approve', t, now)).toEqual(['12', '34']);
    expect(verifyActionToken(SECRET, 'approve', t, new Date(inAnHour.getTime() - 1000))).toEqual([
      '12',
      '34',
    ]);
    expect(verifyActionToken(SECRET, 'approve', t, new Date(inAnHour.getTime() + 1000))).toBeNull();
  });
  it('are bound to their purpose and secret', () => {
    const t = signActionToken(SECRET, 'approve', ['12', '34'], inAnHour);
    expect(verifyActionToken(SECRET, 'reset', t, now)).toBeNull();
    expect(verifyActionToken(OTHER, 'approve', t, now)).toBeNull();
  });
  it('refuse tampered fields, expiry and malformed tokens', () => {
    const t = signActionToken(SECRET, 'approve', ['12', '34'], inAnHour);
    const parts = t.split('.');
    expect(verifyActionToken(SECRET, 'approve', ['13', ...parts.slice(1)].join('.'), now)).toBeNull();
    const later = (Number.parseInt(parts[2] as string, 36) + 86400).toString(36);
    expect(
      verifyActionToken(SECRET, 'approve', [parts[0], parts[1], later, parts[3]].join('.'), now),
    ).toBeNull();
    for (const bad of ['', 'x', '.', 'a.b', `${t}x`, t.toUpperCase(), t.slice(0, -1)])
      expect(verifyActionToken(SECRET, 'approve', bad, now)).toBeNull();
  });
});
