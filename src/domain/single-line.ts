import { z } from 'zod';

/**
 * A one-line field (a ticket title, a person's or a company's name): every run of whitespace or control
 * characters, CR/LF and tabs included, becomes one space, and the ends are trimmed. Such values end up in
 * mail subjects, headers and one-line displays, where a line break would forge a new line.
 */
export const singleLine = z.string().transform((v) => v.replace(/[\s\p{Cc}]+/gu, ' ').trim());

export const oneLine = (v: string): string => singleLine.parse(v);
