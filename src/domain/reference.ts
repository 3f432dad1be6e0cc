/** Human ticket references: PREFIX-000123. The number is the ticket id; the prefix is per installation. */
export function formatReference(prefix: string, id: number): string {
  return `${prefix}-${String(id).padStart(6, '0')}`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reply/forward prefixes of the usual clients and languages (Re, AW, RV, SV, Fwd, WG, TR, R, RES, Réf., 回复...),
 * with an optional counter ("RE[2]:") and the French space before the colon.
 */
const SUBJECT_PREFIX =
  /^\s*(?:(?:re|aw|rv|r|res|sv|vs|vl|ant|antw|odp|fw|fwd|wg|tr|enc|rif|réf|ref|vb|reenv|doorst|回复|答复|转发|回覆|轉寄)\.?\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+/i;

/** Removes reply/forward prefixes ("Re: Fwd: AW:") from a subject. */
export const stripSubjectPrefixes = (subject: string): string => subject.replace(SUBJECT_PREFIX, '').trim();

/**
 * A subject without reply prefixes and without this installation's ticket references (`[IZL-000001]`,
 * `IZL-000001`): the title of a new ticket opened by a reply, which gets its own reference.
 */
export function stripReferences(prefix: string, subject: string): string {
  const p = escapeRe(prefix);
  let s = subject;
  for (;;) {
    const next = stripSubjectPrefixes(
      s
        .replace(new RegExp(`\\[\\s*${p}-\\d{1,12}\\s*\\]|\\b${p}-\\d{1,12}\\b`, 'gi'), ' ')
        .replace(/\s+/g, ' '),
    );
    if (next === s) return s;
    s = next;
  }
}

/**
 * Finds a ticket id in a subject: `[IZL-000123]`, `IZL-000123`, `IZL 123`, `IZL#123`, `[#123]` or `Ticket #123`.
 * Returns null when the subject names no ticket. The id is only a hint: callers check who is writing.
 */
export function parseReference(prefix: string, subject: string): number | null {
  const p = escapeRe(prefix);
  const patterns = [
    new RegExp(`\\b${p}[-\\s#:]?0*(\\d{1,12})\\b`, 'i'),
    /\[#0*(\d{1,12})\]/,
    /\b(?:ticket|tique|ticke?t?s?|incidencia|incident|demande|solicitud|caso|case)\s*(?:n[º°o.]?\s*)?#\s*0*(\d{1,12})\b/i,
  ];
  for (const re of patterns) {
    const m = re.exec(subject);
    if (m?.[1]) {
      const id = Number(m[1]);
      if (Number.isSafeInteger(id) && id > 0) return id;
    }
  }
  return null;
}

/**
 * The ticket ids a text names in the strict reference form (`IZL-000001`, any number of digits), in order of
 * appearance, each once. Looser forms ("ticket #12") are left out: in a body they are too often something else.
 */
export function findReferences(prefix: string, text: string): number[] {
  const re = new RegExp(`(?<![\\w-])${escapeRe(prefix)}-(\\d{1,12})\\b`, 'gi');
  const ids = [...text.matchAll(re)]
    .map((m) => Number(m[1]))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
  return [...new Set(ids)];
}
