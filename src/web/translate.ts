import { translator } from '../i18n/i18n.js';

/** A page's translate function: `t('key')`, `t('portal:key', { param })`. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const cache = new Map<string, Translate>();

/**
 * i18next costs ~50 µs a call, and a list page makes a hundred: plain lookups (no options) are memoized per
 * language. Keys are code constants or catalog values, so the memo stays small.
 */
export function pageTranslator(lang: string): Translate {
  let f = cache.get(lang);
  if (f) return f;
  const t = translator(lang);
  const memo = new Map<string, string>();
  f = (key, options) => {
    if (options) return t(key, options) as string;
    let v = memo.get(key);
    if (v === undefined) {
      v = t(key) as string;
      memo.set(key, v);
    }
    return v;
  };
  cache.set(lang, f);
  return f;
}
