import { z } from 'zod';

/** How a connection reaches the customer; a service's `technology` is one of these (or unset). */
export const TECHNOLOGIES = ['ftth', 'radio', 'adsl', 'vdsl', 'mobile', 'satellite', 'other'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];

/** Where a service runs in the network: what a major incident's scope is written on. */
export interface NetworkAttributes {
  accessNode: string | null;
  zone: string | null;
  exchange: string | null;
  technology: string | null;
  postcode: string | null;
}

/** The categories a network outage explains: a new ticket in one of them is linked to an open incident. */
export const OUTAGE_CATEGORIES: readonly string[] = ['total_outage', 'slowness', 'packet_loss'];

export const isOutageCategory = (type: string, category: string): boolean =>
  type === 'incident' && OUTAGE_CATEGORIES.includes(category);

/**
 * The services a major incident affects: either conditions on the network attributes (each listed attribute
 * must match one of its values; attributes not listed are not checked) or an explicit list of services.
 * Values are compared trimmed and case-insensitively. A scope with no condition at all affects nothing.
 */
export const scopeSchema = z.union([
  z.object({ serviceIds: z.array(z.number().int().positive()).min(1) }).strict(),
  z
    .object({
      accessNodes: z.array(z.string()).optional(),
      zones: z.array(z.string()).optional(),
      exchanges: z.array(z.string()).optional(),
      technologies: z.array(z.string()).optional(),
      postcodes: z.array(z.string()).optional(),
    })
    .strict(),
]);
export type IncidentScope = z.infer<typeof scopeSchema>;

const CONDITIONS = [
  ['accessNodes', 'accessNode'],
  ['zones', 'zone'],
  ['exchanges', 'exchange'],
  ['technologies', 'technology'],
  ['postcodes', 'postcode'],
] as const;

const norm = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();

/** The scope with empty values and empty lists dropped, each value trimmed (as it is stored). */
export function cleanScope(scope: IncidentScope): IncidentScope {
  if ('serviceIds' in scope) return { serviceIds: [...new Set(scope.serviceIds)] };
  const out: Record<string, string[]> = {};
  for (const [key] of CONDITIONS) {
    const values = [...new Set((scope[key] ?? []).map((v) => v.trim()).filter(Boolean))];
    if (values.length) out[key] = values;
  }
  return out;
}

/** True when the scope names at least one service or one condition. */
export function scopeIsEmpty(scope: IncidentScope): boolean {
  if ('serviceIds' in scope) return scope.serviceIds.length === 0;
  return CONDITIONS.every(([key]) => !scope[key]?.some((v) => v.trim()));
}

/** Does the scope cover this service? The one rule used for linking, banners and counts. */
export function serviceInScope(scope: IncidentScope, service: { id: number } & NetworkAttributes): boolean {
  if ('serviceIds' in scope) return scope.serviceIds.includes(service.id);
  if (scopeIsEmpty(scope)) return false;
  return CONDITIONS.every(([key, attr]) => {
    const wanted = (scope[key] ?? []).map(norm).filter(Boolean);
    return wanted.length === 0 || wanted.includes(norm(service[attr]));
  });
}

/** A text written in the default language (es) and optionally in the others. */
export interface Localized {
  es: string;
  en?: string;
  fr?: string;
}

export const localizedSchema = z.object({
  es: z.string(),
  en: z.string().optional(),
  fr: z.string().optional(),
});

/** The text in a language, falling back to Spanish when that language was not written. */
export function inLanguage(text: Localized, lang: string): string {
  const own = lang === 'en' || lang === 'fr' ? text[lang]?.trim() : undefined;
  return own || text.es;
}
