import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens, verifiable without a database: `<fields joined by '.'>.<sig>`, lower-case so they survive
 * e-mail local parts and Message-IDs that clients may fold in case.
 */
const SIG_BYTES = 12;

const sign = (secret: string, purpose: string, body: string): string =>
  base32(createHmac('sha256', secret).update(`${purpose}:${body}`).digest().subarray(0, SIG_BYTES));

function checkSig(secret: string, purpose: string, body: string, sig: string): boolean {
  const want = Buffer.from(sign(secret, purpose, body));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export interface ReplyToken {
  ticketId: number;
  userId: number;
}

/** Reply token naming a ticket and its recipient: `t123.u45.<sig>`. Put in Reply-To (support+TOKEN@) and Message-IDs. */
export function signReplyToken(secret: string, t: ReplyToken): string {
  const body = `t${t.ticketId}.u${t.userId}`;
  return `${body}.${sign(secret, 'reply', body)}`;
}

const REPLY_TOKEN_RE = /t(\d{1,12})\.u(\d{1,12})\.([a-z2-7]{20})/i;

/** Finds and verifies a reply token anywhere in a string (an address, a Message-ID, References). */
export function findReplyToken(secret: string, text: string): ReplyToken | null {
  const re = new RegExp(REPLY_TOKEN_RE.source, 'gi');
  for (const m of text.matchAll(re)) {
    const [, t, u, sig] = m;
    if (!t || !u || !sig) continue;
    if (checkSig(secret, 'reply', `t${t}.u${u}`, sig.toLowerCase())) {
      return { ticketId: Number(t), userId: Number(u) };
    }
  }
  return null;
}

/** Expiring token for an action by link (approve a solution, confirm an e-mail): `<purpose fields>.<exp>.<sig>`. */
export function signActionToken(
  secret: string,
  purpose: string,
  fields: readonly string[],
  expiresAt: Date,
): string {
  const body = [...fields, Math.floor(expiresAt.getTime() / 1000).toString(36)].join('.');
  return `${body}.${sign(secret, purpose, body)}`;
}

/** Returns the token's fields when its signature and expiry hold, otherwise null. */
export function verifyActionToken(
  secret: string,
  purpose: string,
  token: string,
  now = new Date(),
): string[] | null {
  const parts = token.split('.');
  if (parts.length < 2) return null;
  const sig = parts.pop() as string;
  const body = parts.join('.');
  if (!checkSig(secret, purpose, body, sig)) return null;
  const exp = parseInt(parts.pop() as string, 36);
  if (!Number.isFinite(exp) || exp * 1000 < now.getTime()) return null;
  return parts;
}
