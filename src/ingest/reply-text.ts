import EmailReplyParser from 'email-reply-parser';

const WROTE =
  /(?:wrote|escribió|escribio|a écrit|a ecrit|schrieb|scrisse|skrev|schreef|написал[аи]?)\s*:?\s*$/i;

/** Separators that start quoted history in clients email-reply-parser misses (Outlook, Yahoo, localized). */
const HISTORY_START = [
  /^\s*-{2,}\s*(?:original message|mensaje original|message d'origine|message original|ursprüngliche nachricht|messaggio originale)\s*-{2,}\s*$/im,
  /^\s*[-_]{10,}\s*$/m,
  /^\s*\*?(?:de|from|von|da|от)\s*:?\*?\s.*\n(?:.*\n){0,2}?\s*\*?(?:enviado(?: el)?|sent|envoyé|gesendet|inviato|date|fecha|отправлено)\s*:/im,
  /^.{0,200}<[^<>\s@]+@[^<>\s]+>\s*:\s*$/m,
];

const MAX_INPUT = 100_000;

/** Where an "On … wrote:" header starts, also when the client wrapped it over two or three lines. */
function wroteHeader(lines: string[]): number {
  for (let i = 1; i < lines.length; i++) {
    if (!WROTE.test(lines[i] ?? '')) continue;
    let start = i;
    while (start > 1 && i - start < 2 && (lines[start - 1] ?? '').trim() !== '') start--;
    return start;
  }
  return -1;
}

/** The new text of a reply: quoted history, "On … wrote:" blocks (es/en/fr…) and signatures removed. */
export function extractReply(text: string): string {
  let body = text.replace(/\r\n/g, '\n').slice(0, MAX_INPUT);
  for (const re of HISTORY_START) {
    const m = re.exec(body);
    if (m && body.slice(0, m.index).trim()) body = body.slice(0, m.index);
  }
  const lines = body.split('\n');
  const cut = wroteHeader(lines);
  if (cut > 0 && lines.slice(0, cut).join('').trim()) body = lines.slice(0, cut).join('\n');
  const visible = new EmailReplyParser().parseReply(body);
  return visible.replace(/\n{3,}/g, '\n\n').trim();
}
