import type { TicketSatisfaction } from '../../app/queries/satisfaction.js';
import { SCORES, SURVEY_CHANGE_DAYS } from '../../domain/satisfaction.js';
import type { WebContext } from '../context.js';
import { errorSummary, type FormState, radioGroup, textArea } from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';
import { dateTime } from './format.js';

/** The form values of a recorded answer (to change it), or of the score a mail link carried. */
export const surveyValues = (answer: TicketSatisfaction | null, score?: string): Record<string, string> => ({
  score: score ?? (answer ? String(answer.score) : ''),
  comment: answer?.comment ?? '',
});

/**
 * The survey of a closed ticket: the 1–5 choice and a comment, or the recorded answer once it is final. Posted
 * to `action` (the mail link's page, or the portal's ticket).
 */
export async function surveySection(
  ctx: WebContext,
  o: { action: string; answer: TicketSatisfaction | null; form: FormState; done?: string },
): Promise<SafeHtml> {
  const { t } = ctx.state;
  const a = o.answer;
  const recorded = a
    ? html`<p>${t('survey:yourAnswer', { score: a.score })} ${
        a.changeable
          ? t('survey:changeUntil', {
              date: dateTime(ctx, new Date(a.answered_at.getTime() + SURVEY_CHANGE_DAYS * 24 * 3600_000)),
            })
          : t('survey:finalNote')
      }</p>${a.comment && !a.changeable ? html`<blockquote class="body">${multiline(a.comment)}</blockquote>` : ''}`
    : '';
  const form =
    a && !a.changeable
      ? ''
      : html`${errorSummary(t, o.form)}
<form method="post" action="${o.action}" novalidate>${await csrfField(ctx)}
${radioGroup(t, o.form, {
  name: 'score',
  label: t('survey:score'),
  required: true,
  options: SCORES.map((n) => ({ value: String(n), label: t(`survey:scores.${n}`) })),
})}
${textArea(t, o.form, { name: 'comment', label: t('survey:comment'), rows: 4 })}
<div class="actions"><button class="button primary" type="submit">${a ? t('survey:change') : t('survey:submit')}</button></div>
</form>`;
  return html`<section class="card survey" aria-labelledby="survey-title">
<h2 id="survey-title">${t('survey:title')}</h2>
${o.done ? html`<p class="notice success" role="status">${t(o.done)}</p>` : ''}
${recorded}${form}
</section>`;
}
