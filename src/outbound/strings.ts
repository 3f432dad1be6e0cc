import { LANGUAGES } from '../config/config.js';
import { isLang } from '../i18n/i18n.js';
import { common } from '../i18n/ns/common.js';
import { mail } from '../i18n/ns/mail.js';

/**
 * The mail and common strings of src/i18n, looked up without i18next: its t() costs about 50 µs a call,
 * which was 95% of a compiled template's render time. Same keys, `{{name}}` placeholders and `_one`/`_other`
 * plurals with `count`; missing keys fall back to Spanish, then to the key.
 */
export type Strings = (key: string, values?: Record<string, unknown>) => string;

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix: string, out: Map<string, string>): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

const tables = new Map(
  LANGUAGES.map((lang) => {
    const m = flatten(mail[lang] as Tree, 'mail:', new Map());
    flatten(common[lang] as Tree, '', m);
    return [lang, m] as const;
  }),
);
const fallback = tables.get('es') as Map<string, string>;
const plurals = new Map(LANGUAGES.map((lang) => [lang, new Intl.PluralRules(lang)] as const));

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

export function stringsFor(language: string): Strings {
  const lang = isLang(language) ? language : 'es';
  const table = tables.get(lang) as Map<string, string>;
  const plural = plurals.get(lang) as Intl.PluralRules;
  const find = (key: string) => table.get(key) ?? fallback.get(key);
  return (key, values) => {
    const count = values?.count;
    const raw =
      (typeof count === 'number'
        ? (find(`${key}_${plural.select(count)}`) ?? find(`${key}_other`))
        : undefined) ??
      find(key) ??
      key;
    return values ? raw.replace(PLACEHOLDER, (_, name: string) => String(values[name] ?? '')) : raw;
  };
}

/** The same, bound to the mail namespace, as the templates call it: it.t('created.intro', { ref }). */
export const mailStrings = (language: string): Strings => {
  const s = stringsFor(language);
  return (key, values) => s(`mail:${key}`, values);
};
