import EmailReplyParser from 'email-reply-parser';

/** Separators that start quoted history in clients email-reply-parser does not know (Outlook, Lotus, localized). */
const HISTORY_START = [
  /^-{2,}\s*(?:original message|mensaje original|message d'origine|message original|ursprüngliche nachricht|messaggio originale)\s*-{2,}\s*$/im,
  /^_{10,}\s*$/m,
  /^(?:de|from|von|da)\s*:\s.*\n(?:.*\n)?\s*(?:enviado(?: el)?|sent|envoyé|gesendet|inviato|date|fecha)\s*:\s/im,
  /^\s*(?:el|on|le|am)\s.{4,200}?(?:escribió|wrote|a écrit|schrieb)\s*:?\s*$/im,
];

const MAX_INPUT = 100_000;

/** The new text of a reply: quoted history, "On … wrote:" blocks (es/en/fr…) and signatures removed. */
export function extractReply(text: string): string {
  let body = text.replace(/\r\n/g, '\n').slice(0, MAX_INPUT);
  for (const re of HISTORY_START) {
    const m = re.exec(body);
    if (m && m.index > 0) body = body.slice(0, m.index);
  }
  const visible = new EmailReplyParser().parseReply(body);
  return visible.replace(/\n{3,}/g, '\n\n').trim();
}
