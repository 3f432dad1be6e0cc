/**
 * The name to give an account for a sender who looks like a person, or null: a display name with letters (not an
 * address, not a link), else a local part made of name-like words ("maria.lopez" → "Maria Lopez"). Robot senders
 * are filtered before (src/ingest/robots.ts); this only rules out what could not be someone's name.
 */
export function personName(address: string, displayName: string | null | undefined): string | null {
  const at = address.lastIndexOf('@');
  if (at < 1 || !/^[^@\s]+\.[^@\s]+$/.test(address.slice(at + 1))) return null;
  const shown = (displayName ?? '').replace(/["']/g, '').replace(/\s+/g, ' ').trim();
  if (shown && !/[@/:]/.test(shown) && (shown.match(/\p{L}/gu) ?? []).length >= 2) return shown.slice(0, 200);
  const words = address
    .slice(0, at)
    .split(/[._-]+/)
    .filter(Boolean);
  if (!words.length || words.length > 4 || !words.every((w) => /^\p{L}{2,}$/u.test(w))) return null;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(' ');
}
