import { LANGUAGES } from '../config/config.js';
import { PLACEHOLDER } from '../domain/notification-texts.js';
import { isLang } from '../i18n/i18n.js';
import { flattenStrings, type StringTree } from '../i18n/mail-texts.js';
import { common } from '../i18n/ns/common.js';
import { mail } from '../i18n/ns/mail.js';

/**
 * The mail and common strings of src/i18n, looked up without i18next: its t() costs about 50 µs a call,
 * which was 95% of a compiled template's render time. Same keys, `{{name}}` placeholders and `_one`/`_other`
 * plurals with `count`; missing keys fall back to Spanish, then to the key.
 */
export type Strings = (key: string, values?: Record<string, unknown>) => string;

/** An admin's wording of a mail's texts, by full key (`mail:resolved.approve`); see text-overrides.ts. */
export type TextOverrides = ReadonlyMap<string, string>;

const tables = new Map(
  LANGUAGES.map((lang) => {
    const m = flattenStrings(mail[lang] as StringTree, 'mail:', new Map());
    flattenStrings(common[lang] as StringTree, '', m);
    return [lang, m] as const;
  }),
);
const fallback = tables.get('es') as Map<string, string>;
const plurals = new Map(LANGUAGES.map((lang) => [lang, new Intl.PluralRules(lang)] as const));

const NONE: TextOverrides = new Map();

/** The strings of a language; `overrides` (one mail's, in this language) come before the defaults. */
export function stringsFor(language: string, overrides: TextOverrides = NONE): Strings {
  const lang = isLang(language) ? language : 'es';
  const table = tables.get(lang) as Map<string, string>;
  const plural = plurals.get(lang) as Intl.PluralRules;
  const find = (key: string) => overrides.get(key) ?? table.get(key) ?? fallback.get(key);
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

/** Strings bound to the mail namespace, as the templates call them: it.t('created.intro', { ref }). */
export const mailBound =
  (tr: Strings): Strings =>
  (key, values) =>
    tr(`mail:${key}`, values);
