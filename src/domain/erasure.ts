/**
 * Erasing a customer's personal data (GDPR art. 17): the placeholders that replace it, and the scrubber that
 * finds it in free text (ticket texts, mail subjects, JSON payloads). Plain functions, no I/O.
 */

/** What replaces a text the person wrote, or a mention of them in someone else's text. */
export const ERASED_TEXT = '[eliminado]';

export const erasedName = (userId: number): string => `Usuario eliminado #${userId}`;

/** Unique, and on a reserved domain (RFC 2606 `.invalid`) that no mail can ever reach. */
export const erasedEmail = (userId: number): string => `erased-${userId}@erased.invalid`;

export const isErasedEmail = (email: string): boolean => /@erased\.invalid$/i.test(email);

/** What identifies the person in a text: their name, every address they used, their phone numbers. */
export interface PersonalData {
  name: string;
  addresses: readonly string[];
  phones: readonly string[];
}

// Not `-`: outside a class the u flag refuses `\-`.
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Each base letter and its accented forms: "Pérez" is found as "Perez", "PÉREZ" and "pérez". */
const ACCENTED: Record<string, string> = {
  a: 'aáàâäãå',
  e: 'eéèêë',
  i: 'iíìîï',
  o: 'oóòôöõ',
  u: 'uúùûü',
  n: 'nñ',
  c: 'cç',
  y: 'yýÿ',
};

const words = (name: string): string[] =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}'’-]+/u)
    .filter(Boolean);

const wordPattern = (word: string): string =>
  Array.from(word, (ch) => (ACCENTED[ch] ? `[${ACCENTED[ch]}]` : escapeRegex(ch))).join('');

/** Words of a name that are not the person ("María del Carmen", "Van der Berg"). */
const PARTICLES = new Set(['del', 'los', 'las', 'van', 'von', 'der', 'den', 'des', 'san', 'santa']);

const whole = (pattern: string): string => `(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`;

/** A phone number as written any way: spaces, dots, dashes or brackets between digits, with or without +34. */
function phonePatterns(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return [];
  const spaced = (d: string) => Array.from(d).join('[\\s.()/-]*');
  const national = digits.length > 9 ? [digits.slice(-9)] : [];
  return [digits, ...national].map((d) => `(?<!\\d)\\+?${spaced(d)}(?!\\d)`);
}

/**
 * A function that replaces every mention of the person in a text by ERASED_TEXT: their addresses, phones and
 * full name, case- and accent-insensitively. With `nameWords`, also each word of their name of 3 letters or
 * more ("Hola Zoraida"): for texts about the person only (their own tickets), where a first name alone is them.
 */
export function personalDataScrubber(p: PersonalData, o: { nameWords: boolean }): (text: string) => string {
  const nameWords = words(p.name);
  const patterns = [
    ...p.addresses.filter(Boolean).map(escapeRegex),
    ...p.phones.flatMap(phonePatterns),
    ...(nameWords.length ? [whole(nameWords.map(wordPattern).join('[\\s\\p{P}]+'))] : []),
    ...(o.nameWords
      ? nameWords.filter((w) => w.length >= 3 && !PARTICLES.has(w)).map((w) => whole(wordPattern(w)))
      : []),
  ];
  if (patterns.length === 0) return (text) => text;
  const re = new RegExp(patterns.join('|'), 'giu');
  return (text) => text.replace(re, ERASED_TEXT);
}

/** Every string inside a JSON value through `scrub` (keys stay: they are the program's, not the person's). */
export function scrubJson(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, scrub));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, scrub)]));
  return value;
}
