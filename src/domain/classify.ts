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

interface CompiledKeyword {
  rule: Catalog['emailRules'][number];
  lang: string;
  keyword: string;
  folded: string;
  whole: RegExp;
}

/**
 * The rules' keywords folded and compiled once per catalog, in the rules' order: building a RegExp per keyword
 * for every message was the single largest cost of the ingest's own code (a CPU profile of `bench ingest`).
 */
const compiled = new WeakMap<Catalog, CompiledKeyword[]>();
function keywordsOf(catalog: Catalog): CompiledKeyword[] {
  let list = compiled.get(catalog);
  if (!list) {
    list = catalog.emailRules.flatMap((rule) =>
      Object.entries(rule.keywords).flatMap(([lang, words]) =>
        words.map((keyword) => {
          const folded = fold(keyword);
          return {
            rule,
            lang,
            keyword,
            folded,
            whole: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(folded)}($|[^\\p{L}\\p{N}])`, 'u'),
          };
        }),
      ),
    );
    compiled.set(catalog, list);
  }
  return list;
}

/**
 * Guesses type, category and urgency of a mailed ticket from the catalog's `emailRules`: the first rule with a
 * keyword in the subject wins, else the first with one in the body; else the catalog's e-mail defaults.
 */
export function classifyMail(catalog: Catalog, subject: string, body: string): Classification {
  const places = [
    { in: 'subject' as const, text: fold(subject) },
    { in: 'body' as const, text: fold(firstWords(body)) },
  ];
  const keywords = keywordsOf(catalog);
  for (const place of places) {
    // A whole-word match is a substring first: the cheap test runs before the regular expression.
    const hit = keywords.find((k) => place.text.includes(k.folded) && k.whole.test(place.text));
    if (hit)
      return {
        type: hit.rule.type,
        category: hit.rule.category,
        urgency: hit.rule.urgency ?? null,
        rule: { keyword: hit.keyword, lang: hit.lang, in: place.in },
      };
  }
  return {
    type: catalog.defaultEmailType,
    category: catalog.defaultEmailCategory,
    urgency: null,
    rule: null,
  };
}
