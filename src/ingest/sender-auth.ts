import parseHeader from 'mailauth/lib/parse-dkim-headers.js';

/**
 * Whether the receiving server (identified by its authserv-id) saw DMARC or aligned DKIM pass for the From
 * domain. Only the topmost Authentication-Results carrying that exact id counts: any other was written by
 * someone else, possibly the sender (RFC 8601 §5).
 */
export function senderAuthenticated(
  authResults: readonly string[],
  authservId: string,
  fromAddress: string,
): { ok: boolean; why: string } {
  const domain = fromAddress.split('@').pop()?.toLowerCase() ?? '';
  for (const value of authResults) {
    let parsed: ReturnType<typeof parseHeader>['parsed'];
    try {
      parsed = parseHeader(`Authentication-Results: ${value}`).parsed;
    } catch {
      continue;
    }
    if ((parsed.value ?? '').toLowerCase() !== authservId.toLowerCase()) continue;
    const dmarc = parsed.dmarc;
    if (dmarc?.value === 'pass' && (dmarc.header?.from ?? '').toLowerCase() === domain)
      return { ok: true, why: 'dmarc=pass' };
    const dkim = (parsed.dkim ?? []).find((d) => {
      const d1 = (d.header?.d ?? d.header?.i?.split('@').pop() ?? '').toLowerCase();
      return d.value === 'pass' && (d1 === domain || domain.endsWith(`.${d1}`));
    });
    if (dkim) return { ok: true, why: 'dkim=pass' };
    return { ok: false, why: `${authservId}: no DMARC or DKIM pass for ${domain}` };
  }
  return { ok: false, why: `no Authentication-Results from ${authservId}` };
}
