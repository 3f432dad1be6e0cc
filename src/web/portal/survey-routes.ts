import type Router from '@koa/router';
import { type ActorRow, actorOf } from '../../app/actor.js';
import { readSurveyToken } from '../../app/links.js';
import { ticketSatisfaction } from '../../app/queries/satisfaction.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { answerSurvey } from '../../app/satisfaction/answer-survey.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { SCORES } from '../../domain/satisfaction.js';
import { field } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { HTTP_STATUS } from '../errors.js';
import { emptyForm, type FormState, formFromError } from '../forms.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';
import { pageTranslator } from '../translate.js';
import { reference, statusBadge } from './format.js';
import { surveySection, surveyValues } from './survey-form.js';

type TokenUser = ActorRow & { language: string };

/**
 * The survey link of the closing mail: the token names the ticket and its requester, so they answer without a
 * password. A GET only shows the form with the clicked score chosen (mail scanners follow links); the POST
 * records, as the token's user.
 */
async function loadFromToken(ctx: WebContext): Promise<{ user: TokenUser; ticket: CustomerTicket }> {
  const { s } = ctx.state;
  const tok = readSurveyToken(s.config.SECRET, ctx.params.token ?? '');
  const user: TokenUser | undefined = tok
    ? await s
        .db('users')
        .where({ id: tok.userId, active: true })
        .first('id', 'role', 'company_id', 'is_company_manager', 'language')
    : undefined;
  const ticket =
    tok && user
      ? await customerTicket(
          s.db,
          { id: user.id, companyId: user.company_id, isCompanyManager: user.is_company_manager },
          tok.ticketId,
        )
      : null;
  if (!tok || !user || !ticket) throw new AppError('not_found', 'survey:linkInvalid');
  if (!ctx.state.user) {
    ctx.state.lang = user.language as WebContext['state']['lang'];
    ctx.state.t = pageTranslator(user.language);
  }
  return { user, ticket };
}

async function surveyPage(
  ctx: WebContext,
  ticket: CustomerTicket,
  f: FormState | null,
  status = 200,
  done?: string,
) {
  const { t, s } = ctx.state;
  const ref = reference(ctx, ticket.id);
  const answer = await ticketSatisfaction(s.db, ticket.id);
  const viewLink = html`<p><a class="button" href="/tickets/${ticket.id}">${t('survey:viewTicket')}</a></p>`;
  const body =
    ticket.status === 'closed'
      ? await surveySection(ctx, {
          action: `/survey/${ctx.params.token ?? ''}`,
          answer,
          form: f ?? emptyForm(surveyValues(answer)),
          done,
        })
      : html`<p class="notice info">${t('survey:notClosed', { status: t(`status.${ticket.status}`) })}</p>`;
  await renderPage(ctx, {
    title: `${t('survey:title')} · ${ref}`,
    status,
    body: html`<section class="card decision" aria-labelledby="decision-title">
  <h1 id="decision-title"><span class="ticket-ref">${ref}</span> ${ticket.title}</h1>
  <p>${statusBadge(ctx, ticket.status)}</p>
  <p>${t('survey:intro', { ref })}</p>
</section>
${body}
${viewLink}`,
  });
}

const scoreOf = (v: unknown): string | undefined =>
  typeof v === 'string' && (SCORES as readonly number[]).includes(Number(v)) ? v : undefined;

/** Records an answer from a form; a form the user can fix comes back with what was typed. */
export async function submitSurvey(
  ctx: WebContext,
  actor: Parameters<typeof answerSurvey>[1],
  ticketId: number,
  rerender: (f: FormState, status: number) => Promise<void>,
): Promise<{ changed: boolean } | null> {
  const values = { score: field(ctx, 'score'), comment: field(ctx, 'comment') };
  try {
    return await answerSurvey(ctx.state.s.app, actor, ticketId, {
      score: Number(values.score) || 0,
      comment: values.comment,
    });
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    await rerender(formFromError(err, values), HTTP_STATUS[err.code]);
    return null;
  }
}

export function mountSurveyRoutes(r: Router<WebState>): void {
  r.get('/survey/:token', async (ctx) => {
    const { ticket } = await loadFromToken(ctx);
    const answer = await ticketSatisfaction(ctx.state.s.db, ticket.id);
    await surveyPage(ctx, ticket, emptyForm(surveyValues(answer, scoreOf(ctx.query.score))));
  });

  r.post('/survey/:token', async (ctx) => {
    const { user, ticket } = await loadFromToken(ctx);
    const done = await submitSurvey(ctx, actorOf(user), ticket.id, (f, status) =>
      surveyPage(ctx, ticket, f, status),
    );
    if (done) await surveyPage(ctx, ticket, null, 200, done.changed ? 'survey:changed' : 'survey:thanks');
  });
}
