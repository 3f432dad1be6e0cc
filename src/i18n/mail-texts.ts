import { LANGUAGES } from '../config/config.js';
import { placeholdersIn } from '../domain/notification-texts.js';
import { mail } from './ns/mail.js';

export type StringTree = { [k: string]: string | StringTree };

/** A namespace's nested strings as `prefix` + dotted key → string. */
export function flattenStrings(
  tree: StringTree,
  prefix: string,
  out: Map<string, string>,
): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else flattenStrings(v, `${prefix}${k}.`, out);
  }
  return out;
}

const defaults = new Map<string, Map<string, string>>(
  LANGUAGES.map((lang) => [lang, flattenStrings(mail[lang], '', new Map())]),
);

/** The default of a text of the mail namespace (`resolved.approve`) in a language. */
export const mailDefault = (lang: string, key: string): string | undefined => defaults.get(lang)?.get(key);

/**
 * The placeholders a text of the mail namespace may use: those of its default in any language, which the
 * code that reads the text fills (`{{ref}}`, `{{name}}`...).
 */
export const mailPlaceholders = (key: string): ReadonlySet<string> =>
  new Set(LANGUAGES.flatMap((lang) => placeholdersIn(mailDefault(lang, key) ?? '')));
