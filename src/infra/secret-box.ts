import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets kept in the database (a mailbox's IMAP password) sealed with AES-256-GCM under a key derived from
 * SECRET: `v1.<iv>.<tag>.<ciphertext>` in base64url. A database dump alone does not reveal them; changing SECRET
 * makes them unreadable (they must then be typed again).
 */
const VERSION = 'v1';

const keyOf = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'izardesk', 'secret-box v1', 32));

export function seal(secret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** The plaintext; throws SecretBoxError when the box is malformed, tampered with or sealed under another SECRET. */
export function unseal(secret: string, box: string): string {
  const [version, iv, tag, data, ...rest] = box.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || data === undefined || rest.length)
    throw new SecretBoxError('not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretBoxError('the secret cannot be opened: another SECRET, or altered');
  }
}
