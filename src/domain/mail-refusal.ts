/**
 * What a customer writes at the top of a mail reply to refuse a solution. Any other reply to a resolved ticket is
 * a comment: thanks, questions and "it works now" must never reopen it. A line counts when it starts with one of
 * these (case, accents and leading punctuation ignored); documented in docs/operations.md and the solution mail.
 */
export const REFUSAL_WORDS: Readonly<Record<'es' | 'en' | 'fr', readonly string[]>> = {
  es: [
    '#rechazar',
    'rechazo la solucion',
    'no funciona',
    'sigue sin funcionar',
    'sigue igual',
    'no esta resuelto',
    'no se ha resuelto',
  ],
  en: [
    '#refuse',
    'i refuse the solution',
    'not fixed',
    'not solved',
    'still not working',
    'it does not work',
    "it doesn't work",
    'does not work',
    "doesn't work",
  ],
  fr: [
    '#refuser',
    'je refuse la solution',
    'ne fonctionne pas',
    'ca ne marche pas',
    'ne marche toujours pas',
    'toujours en panne',
    'pas resolu',
  ],
};

const ALL = Object.values(REFUSAL_WORDS).flat();

const fold = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’`]/g, "'").toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether the first non-empty line of a reply starts with an explicit refusal word (any language). */
export function isExplicitRefusal(reply: string): boolean {
  const first = reply.split('\n').find((l) => l.trim()) ?? '';
  // Opening punctuation only (¡¿"«-*): "¡No funciona!" refuses, "Ahora sí funciona" does not.
  const line = fold(first).replace(/^[\s¡¿"«'(*\-–—>]+/u, '');
  return ALL.some((w) => {
    if (!line.startsWith(w)) return false;
    const after = line.charAt(w.length);
    return after === '' || !/[\p{L}\p{N}]/u.test(after);
  });
}
