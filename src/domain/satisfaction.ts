/**
 * Satisfaction survey rules. One answer per closed ticket, by its requester: a score from 1 to 5 and an optional
 * comment. The customer may change it for SURVEY_CHANGE_DAYS after the first answer (a wrong click in the
 * mail, a second thought); after that it is final, so the reports' figures settle.
 */
export const SCORES = [1, 2, 3, 4, 5] as const;
export type Score = (typeof SCORES)[number];
export const SURVEY_CHANGE_DAYS = 7;
export const SURVEY_COMMENT_MAX = 2000;

export const isScore = (n: unknown): n is Score =>
  typeof n === 'number' && (SCORES as readonly number[]).includes(n);

/** Whether an answer given at `answeredAt` may still be changed at `now`. */
export const mayChangeAnswer = (answeredAt: Date, now: Date): boolean =>
  now.getTime() - answeredAt.getTime() < SURVEY_CHANGE_DAYS * 24 * 3600_000;
