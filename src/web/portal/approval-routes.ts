import type Router from '@koa/router';
import { actorOf } from '../../app/actor.js';
import { type ApprovalLink, approvalLink, approvalViewer } from '../../app/queries/approval-link.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { approveSolution, refuseSolution } from '../../app/tickets/lifecycle.js';
import { AppError } from '../../domain/errors.js';
import { isLang } from '../../i18n/i18n.js';
import type { WebContext, WebState } from '../context.js';
import { HTTP_STATUS } from '../errors.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, textArea } from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { icon } from '../icons.js';
import { formInput, paramsInput, pathToken, queryChoice, queryInput, text } from '../input.js';
import { csrfField, renderPage } from '../layout.js';
import { pageTranslator } from '../translate.js';
import { reference, statusBadge } from './format.js';

/**
 * The link of the resolution mail: the token names the ticket and its customer, so they can answer without a
 * password. A GET only shows the question; the POST acts, as the token's user.
 */
async function loadFromToken(ctx: WebContext): Promise<ApprovalLink> {
  const { s } = ctx.state;
  const { token } = paramsInput(ctx, { token: pathToken });
  const link = await approvalLink(s.db, s.config.SECRET, token);
  if (!link) throw new AppError('not_found', 'portal:approval.linkInvalid');
  // A visitor who is not signed in reads the page in the customer's language.
  if (!ctx.state.user && isLang(link.user.language)) {
    ctx.state.lang = link.user.language;
    ctx.state.t = pageTranslator(link.user.language);
  }
  return link;
}

const CHOICES = ['approve', 'refuse'] as const;
type Choice = (typeof CHOICES)[number];

const CHOICE_QUERY = { choice: queryChoice(CHOICES, 'approve') };
const DECISION = { comment: text, decision: queryChoice(CHOICES, 'refuse') };

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
  const { token } = paramsInput(ctx, { token: pathToken });
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

export function mountApprovalRoutes(r: Router<WebState>): void {
  r.get('/approve/:token', async (ctx) => {
    const { ticket, current } = await loadFromToken(ctx);
    const { choice } = queryInput(ctx, CHOICE_QUERY);
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
    // Only an explicit approval approves; anything else is a refusal, which needs a reason.
    const { comment, decision: choice } = formInput(ctx, DECISION);
    if (!current)
      return approvalPage(
        ctx,
        ticket,
        choice,
        emptyForm(),
        HTTP_STATUS.conflict,
        undefined,
        ticket.status === 'resolved',
      );
    const approve = choice === 'approve';
    const actor = actorOf(user);
    try {
      if (approve) await approveSolution(ctx.state.s.app, actor, ticket.id, { body: comment, source: 'web' });
      else await refuseSolution(ctx.state.s.app, actor, ticket.id, { body: comment, source: 'web' });
    } catch (err) {
      const { status, form } = formError(err, { comment }, ['invalid']);
      return approvalPage(ctx, ticket, choice, form, status);
    }
    const updated = (await customerTicket(ctx.state.s.db, approvalViewer(user), ticket.id)) ?? ticket;
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
