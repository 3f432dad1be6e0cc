/**
 * Canned answers' placeholders. A body is plain text: `{{customer_name}}`, `{{reference}}`, `{{service}}` and
 * `{{agent_name}}` (spaces inside the braces allowed) are replaced by the ticket's values in one pass, so a value
 * that itself looks like a placeholder stays as written. A missing value leaves nothing, and the space or
 * punctuation it leaves behind is tidied ("Hola {{customer_name}}," → "Hola,"). The result is plain text: it
 * becomes HTML only where every follow-up does (escaped, line breaks kept).
 */
export const PLACEHOLDERS = ['customer_name', 'reference', 'service', 'agent_name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string | null>>;

const PATTERN = /\{\{\s*([a-zA-Z_]+)\s*\}\}/g;
const isPlaceholder = (name: string): name is Placeholder =>
  (PLACEHOLDERS as readonly string[]).includes(name);

/** The names between braces that are not placeholders (a typo the form refuses rather than mail it). */
export function unknownPlaceholders(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(PATTERN)) if (!isPlaceholder(m[1] as string)) out.add(m[0]);
  return [...out];
}

/** Marks a missing value until the blanks around it are tidied (a private-use character). */
const MISSING = '\uE000';

/** The body with this ticket's values in place of its placeholders. */
export function renderCannedAnswer(body: string, values: PlaceholderValues): string {
  const filled = body.replace(PATTERN, (whole, name: string) => {
    if (!isPlaceholder(name)) return whole;
    const v = (values[name] ?? '').replace(/[\r\n]+/g, ' ').trim();
    return v || MISSING;
  });
  // A missing value takes the blank before it away; the blank after it stays unless punctuation follows.
  return filled
    .replace(/[ \t]*\uE000[ \t]*([,.;:!?])?/g, (m, punct: string | undefined, offset: number, s: string) => {
      if (punct) return punct;
      const prev = s[offset - 1];
      const next = s[offset + m.length];
      return prev === undefined || prev === '\n' || next === undefined || next === '\n' || !/[ \t]$/.test(m)
        ? ''
        : ' ';
    })
    .trim();
}
