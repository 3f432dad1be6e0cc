import type Router from '@koa/router';
import { type ActorRow, actorOf } from '../../app/actor.js';
import { readApprovalToken } from '../../app/links.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { approveSolution, refuseSolution } from '../../app/tickets/lifecycle.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { field } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { emptyForm, errorSummary, type FormState, formFromError, textArea } from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { icon } from '../icons.js';
import { csrfField, renderPage } from '../layout.js';
import { pageTranslator } from '../translate.js';
import { reference, statusBadge } from './format.js';

type TokenUser = ActorRow & { language: string };

/**
 * The link of the resolution mail: the token names the ticket and its customer, so they can answer without a
 * password. A GET only shows the question; the POST acts, as the token's user.
 */
async function loadFromToken(
  ctx: WebContext,
): Promise<{ user: TokenUser; ticket: CustomerTicket; current: boolean }> {
  const { s } = ctx.state;
  const tok = readApprovalToken(s.config.SECRET, ctx.params.token ?? '');
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
  if (!tok || !user || !ticket) throw new AppError('not_found', 'portal:approval.linkInvalid');
  // The link answers the resolution it was mailed for, not a later one (after a refusal and a new solution).
  const row = await s.db('tickets').where({ id: ticket.id }).first('resolved_at');
  const current = row?.resolved_at instanceof Date && row.resolved_at.getTime() === tok.resolvedAt;
  // A visitor who is not signed in reads the page in the customer's language.
  if (!ctx.state.user) {
    ctx.state.lang = user.language as WebContext['state']['lang'];
    ctx.state.t = pageTranslator(user.language);
  }
  return { user, ticket, current };
}

type Choice = 'approve' | 'refuse';

/**
 * The page of a mail's link. Approving and refusing are two distinct pages (the mail has a button for each):
 * approving shows the solution and asks for an optional comment; refusing asks for the reason first, the
 * solution being there for reference. Each links to the other in case the wrong button was pressed.
 */
async function approvalPage(
  ctx: WebContext,
  ticket: CustomerTicket,
  choice: Choice,
  f: FormState,
  status = 200,
  done?: string,
  outdated = false,
) {
  const { t } = ctx.state;
  const ref = reference(ctx, ticket.id);
  const token = ctx.params.token ?? '';
  const viewLink = html`<a class="button" href="/tickets/${ticket.id}">${t('portal:approval.viewTicket')}</a>`;
  const solution = html`<h2>${t('portal:ticket.solutionTitle')}</h2>
  <div class="solution-text">${multiline(ticket.solution ?? '')}</div>`;
  const decision = html`${await csrfField(ctx)}<input type="hidden" name="decision" value="${choice}">`;
  let body: SafeHtml;
  if (done) body = html`<p class="notice success" role="status">${t(done)}</p><p>${viewLink}</p>`;
  else if (outdated)
    body = html`<p class="notice info">${t('portal:security.approvalOutdated')}</p><p>${viewLink}</p>`;
  else if (ticket.status !== 'resolved')
    body = html`<p class="notice info">${t('portal:approval.notResolved', { status: t(`status.${ticket.status}`) })}</p><p>${viewLink}</p>`;
  else if (choice === 'refuse')
    body = html`<p>${t('portal:approval.refuseIntro')}</p>
  ${errorSummary(t, f)}
  <form method="post" action="/approve/${token}" novalidate>
    ${decision}
    ${textArea(t, f, { name: 'comment', label: t('portal:approval.refuseReason'), rows: 5, required: true })}
    <div class="actions"><button class="button danger solid" type="submit">${icon('x')} ${t('portal:approval.refuseSubmit')}</button></div>
  </form>
  ${solution}
  <p class="switch-choice"><a href="/approve/${token}">${t('portal:approval.toApprove')}</a></p>`;
  else
    body = html`<p>${t('portal:approval.approveIntro')}</p>
  ${solution}
  ${errorSummary(t, f)}
  <form method="post" action="/approve/${token}" novalidate>
    ${decision}
    ${textArea(t, f, { name: 'comment', label: t('portal:approval.approveComment'), rows: 3 })}
    <div class="actions"><button class="button ok" type="submit">${icon('check')} ${t('portal:approval.approveTitle')}</button></div>
  </form>
  <p class="switch-choice"><a href="/approve/${token}?choice=refuse">${t('portal:approval.toRefuse')}</a></p>`;
  const heading = choice === 'refuse' ? t('portal:approval.refuseTitle') : t('portal:approval.approveTitle');
  await renderPage(ctx, {
    title: `${heading} · ${ref}`,
    status,
    body: html`<section class="card decision ${choice === 'refuse' ? 'refuse-page' : 'approve-page'}" aria-labelledby="decision-title">
  <p class="decision-kind">${heading}</p>
  <h1 id="decision-title"><span class="ticket-ref">${ref}</span> ${ticket.title}</h1>
  <p>${statusBadge(ctx, ticket.status)}</p>
  ${body}
</section>`,
  });
}

const choiceOf = (v: unknown): Choice => (v === 'refuse' ? 'refuse' : 'approve');

export function mountApprovalRoutes(r: Router<WebState>): void {
  r.get('/approve/:token', async (ctx) => {
    const { ticket, current } = await loadFromToken(ctx);
    const choice = choiceOf(ctx.query.choice);
    await approvalPage(
      ctx,
      ticket,
      choice,
      emptyForm(),
      200,
      undefined,
      ticket.status === 'resolved' && !current,
    );
  });

  r.post('/approve/:token', async (ctx) => {
    const { user, ticket, current } = await loadFromToken(ctx);
    const values = { comment: field(ctx, 'comment') };
    // Only an explicit approval approves; anything else is a refusal, which needs a reason.
    const choice: Choice = field(ctx, 'decision') === 'approve' ? 'approve' : 'refuse';
    if (!current)
      return approvalPage(ctx, ticket, choice, emptyForm(), 409, undefined, ticket.status === 'resolved');
    const approve = choice === 'approve';
    const actor = actorOf(user);
    try {
      if (approve)
        await approveSolution(ctx.state.s.app, actor, ticket.id, { body: values.comment, source: 'web' });
      else await refuseSolution(ctx.state.s.app, actor, ticket.id, { body: values.comment, source: 'web' });
    } catch (err) {
      if (isAppError(err) && err.code === 'invalid')
        return approvalPage(ctx, ticket, choice, formFromError(err, values), 422);
      throw err;
    }
    const updated = (await customerTicket(
      ctx.state.s.db,
      { id: user.id, companyId: user.company_id, isCompanyManager: user.is_company_manager },
      ticket.id,
    )) as CustomerTicket;
    await approvalPage(
      ctx,
      updated,
      choice,
      emptyForm(),
      200,
      approve ? 'portal:ticket.approved' : 'portal:ticket.refused',
    );
  });
}
