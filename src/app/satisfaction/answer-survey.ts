import { AppError } from '../../domain/errors.js';
import { isScore, mayChangeAnswer, SURVEY_COMMENT_MAX } from '../../domain/satisfaction.js';
import type { Actor } from '../../domain/ticket-status.js';
import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';
import { lockTicket } from '../ticket-row.js';

export interface SurveyAnswer {
  score: number;
  comment?: string | null;
}

/**
 * The requester answers the satisfaction survey of a closed ticket (from the mail's link or the portal). A
 * second answer within the change window replaces the first; answered_at keeps the first answer's time. Each
 * answer leaves a history row. Nothing is mailed.
 */
export async function answerSurvey(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  input: SurveyAnswer,
): Promise<{ changed: boolean }> {
  if (!isScore(input.score))
    throw new AppError('invalid', 'validation.fixFields', { fields: { score: 'survey:scoreRequired' } });
  const comment = (input.comment ?? '').replace(/\r\n?/g, '\n').trim();
  if (comment.length > SURVEY_COMMENT_MAX)
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { comment: 'survey:commentTooLong' },
      params: { max: SURVEY_COMMENT_MAX },
    });
  return ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    if (actor.kind !== 'user' || actor.id !== t.requester_id)
      throw new AppError('forbidden', 'survey:onlyRequester');
    if (t.status !== 'closed') throw new AppError('conflict', 'survey:notClosed');
    const before = await trx('satisfaction').where({ ticket_id: ticketId }).first('answered_at');
    const now = new Date();
    if (before && !mayChangeAnswer(before.answered_at, now)) throw new AppError('conflict', 'survey:final');
    const row = { score: input.score, comment: comment || null, user_id: actor.id, updated_at: now };
    if (before) await trx('satisfaction').where({ ticket_id: ticketId }).update(row);
    else await trx('satisfaction').insert({ ...row, ticket_id: ticketId, answered_at: now });
    await recordHistory(trx, {
      ticketId,
      actorId: actor.id,
      kind: 'satisfaction',
      fromStatus: t.status,
      toStatus: t.status,
      data: { score: input.score, changed: Boolean(before) },
    });
    return { changed: Boolean(before) };
  });
}
