import type { ParsedMail } from './parse.js';

/** The address without its sub-address: `facturacion+t1.u2.sig@x` → `facturacion@x`. */
export function baseAddress(address: string, separator: string): string {
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 0 || !separator) return a;
  const cut = a.slice(0, at).indexOf(separator);
  return cut < 0 ? a : `${a.slice(0, cut)}${a.slice(at)}`;
}

/**
 * Which of our support addresses (`known`, lower case) a mail was written to: the envelope first (the topmost
 * Delivered-To or X-Original-To our MX added), then To/Cc (the address of the account it was fetched from when
 * it is there, else the first known one), else the account it was fetched from. Sub-addresses (reply tokens)
 * count as their base address. Null when nothing says (a mail piped in that names none of them).
 */
export function receivedAddress(
  m: Pick<ParsedMail, 'recipients' | 'headerLines'>,
  known: readonly string[],
  fetchedFor: string | undefined,
  separator: string,
): string | null {
  const ours = new Set(known.map((a) => a.toLowerCase()));
  const envelope = ['delivered-to', 'x-original-to']
    .flatMap((h) => m.headerLines.get(h) ?? [])
    .map((a) => baseAddress(a, separator))
    .find((a) => ours.has(a));
  if (envelope) return envelope;
  const named = m.recipients.map((a) => baseAddress(a, separator)).filter((a) => ours.has(a));
  const fetched = fetchedFor?.toLowerCase();
  if (fetched && named.includes(fetched)) return fetched;
  return named[0] ?? fetched ?? null;
}
