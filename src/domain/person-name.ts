/** Shared mailboxes of a business, not someone's name (es, en, fr). */
const ROLE_LOCAL_PARTS = new Set([
  'info',
  'contact',
  'contacto',
  'admin',
  'administracion',
  'administration',
  'sales',
  'ventas',
  'ventes',
  'comercial',
  'commercial',
  'support',
  'soporte',
  'hello',
  'hola',
  'bonjour',
  'office',
  'oficina',
  'billing',
  'facturacion',
  'facturation',
  'accounts',
  'rrhh',
  'hr',
  'webmaster',
  'root',
  'marketing',
  'newsletter',
  'notifications',
  'alerts',
]);

/**
 * The name to give an account for a sender who looks like a person, or null: a display name with letters (not an
 * address, not a link), else a local part made of name-like words ("maria.lopez" → "Maria Lopez"). Robot senders
 * are filtered before (src/ingest/robots.ts); this only rules out what could not be someone's name, and the
 * shared mailboxes of a business when no display name says who writes.
 */
export function personName(address: string, displayName: string | null | undefined): string | null {
  const at = address.lastIndexOf('@');
  if (at < 1 || !/^[^@\s]+\.[^@\s]+$/.test(address.slice(at + 1))) return null;
  const shown = (displayName ?? '').replace(/["']/g, '').replace(/\s+/g, ' ').trim();
  if (shown && !/[@/:]/.test(shown) && (shown.match(/\p{L}/gu) ?? []).length >= 2) return shown.slice(0, 200);
  if (ROLE_LOCAL_PARTS.has(address.slice(0, at).toLowerCase())) return null;
  const words = address
    .slice(0, at)
    .split(/[._-]+/)
    .filter(Boolean);
  if (!words.length || words.length > 4 || !words.every((w) => /^\p{L}{2,}$/u.test(w))) return null;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(' ');
}
