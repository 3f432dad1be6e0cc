/**
 * Postgres refuses a NUL in text and a lone UTF-16 surrogate in jsonb (`unsupported Unicode escape sequence`), and
 * mail can carry both (RFC 2231 names, quoted-printable `=00`, UTF-16 bodies). Every string the ingest takes
 * from a message passes through here once, so no record, ticket, follow-up or file name can fail on it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const pgText = (s: string): string => s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');

/** A deep copy with every string made storable; bytes (Buffer, Uint8Array) and dates are kept as they are. */
export function pgSafe<T>(value: T): T {
  if (typeof value === 'string') return pgText(value) as T;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date)
    return value;
  if (Array.isArray(value)) return value.map(pgSafe) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [pgSafe(k), pgSafe(v)])) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pgSafe(v)])) as T;
}
