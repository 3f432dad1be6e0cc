import { describe, expect, it } from 'vitest';
import { SecretBoxError, seal, unseal } from '../../src/infra/secret-box.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('secret box (mailbox passwords at rest)', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = seal(SECRET, 'contraseña-ñ 🔑');
    const b = seal(SECRET, 'contraseña-ñ 🔑');
    expect(a).not.toBe(b);
    expect(a).not.toContain('contraseña');
    expect(unseal(SECRET, a)).toBe('contraseña-ñ 🔑');
    expect(unseal(SECRET, b)).toBe('contraseña-ñ 🔑');
    expect(unseal(SECRET, seal(SECRET, ''))).toBe('');
  });

  it('refuses a box sealed under another SECRET', () => {
    const box = seal(SECRET, 'imap-password');
    expect(() => unseal('another-secret-another-secret-another-0', box)).toThrow(SecretBoxError);
  });

  it('refuses a box altered anywhere: ciphertext, tag, iv, or its form', () => {
    const box = seal(SECRET, 'imap-password');
    const [v, iv, tag, data] = box.split('.') as [string, string, string, string];
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      return bytes.toString('base64url');
    };
    for (const bad of [
      [v, iv, tag, flip(data)],
      [v, iv, flip(tag), data],
      [v, flip(iv), tag, data],
      ['v2', iv, tag, data],
      [v, iv, tag],
      [v, iv, tag, data, 'x'],
    ])
      expect(() => unseal(SECRET, bad.join('.'))).toThrow(SecretBoxError);
    expect(() => unseal(SECRET, 'imap-password')).toThrow(SecretBoxError);
  });
});
