import type { Catalog } from './catalog.js';

export interface Classification {
  type: string;
  category: string;
  urgency: string | null;
  /** The keyword that decided, with its language and where it was found; null when the defaults were used. */
  rule: { keyword: string; lang: string; in: 'subject' | 'body' } | null;
}

/** Lower case without accents: "Caída" and "caida" are the same word to a customer in a hurry. */
const fold = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ');

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The start of the body: a customer's own words come before quotes and signatures. */
const firstWords = (body: string) => body.slice(0, 2000);

/**
 * Guesses type, category and urgency of a mailed ticket from the catalog's `emailRules`: the first rule with a
 * keyword in the subject wins, else the first with one in the body; else the catalog's e-mail defaults.
 */
export function classifyMail(catalog: Catalog, subject: string, body: string): Classification {
  const places = [
    { in: 'subject' as const, text: fold(subject) },
    { in: 'body' as const, text: fold(firstWords(body)) },
  ];
  for (const place of places) {
    for (const rule of catalog.emailRules) {
      for (const [lang, words] of Object.entries(rule.keywords)) {
        const hit = words.find((w) =>
          new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(fold(w))}($|[^\\p{L}\\p{N}])`, 'u').test(place.text),
        );
        if (hit)
          return {
            type: rule.type,
            category: rule.category,
            urgency: rule.urgency ?? null,
            rule: { keyword: hit, lang, in: place.in },
          };
      }
    }
  }
  return {
    type: catalog.defaultEmailType,
    category: catalog.defaultEmailCategory,
    urgency: null,
    rule: null,
  };
}
