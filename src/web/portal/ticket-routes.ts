import type Router from '@koa/router';
import { customerAttachment } from '../../app/queries/ticket-attachment.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { approveSolution, refuseSolution } from '../../app/tickets/lifecycle.js';
import { AppError } from '../../domain/errors.js';
import { requireUser } from '../auth.js';
import { uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { withFollowupLimit } from '../followup-limit.js';
import { formError } from '../form-error.js';
import {
  formInput,
  paramsInput,
  pathId,
  pathToken,
  queryChoice,
  queryInput,
  queryInt,
  text,
} from '../input.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { submitSurvey } from './survey-routes.js';
import { viewerOf } from './ticket-list-routes.js';
import { renderTicketPage } from './ticket-page.js';

/** Any id: one that is not a ticket of theirs is answered 404 all the same. */
const TICKET_ID = { id: pathId.catch(0) };
const TICKET_QUERY = { tab: queryChoice(['history', 'followup'], 'history'), before: queryInt };

/** The ticket of the URL if the signed-in customer may see it; 404 otherwise, whatever the id tried. */
async function loadTicket(ctx: WebContext): Promise<CustomerTicket> {
  const { id } = paramsInput(ctx, TICKET_ID);
  const ticket = await customerTicket(ctx.state.s.db, viewerOf(ctx), id);
  if (!ticket) throw new AppError('not_found', 'errors.ticketNotFound');
  return ticket;
}

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 5987). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function mountTicketRoutes(r: Router<WebState>): void {
  r.get('/tickets/:id', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const { tab, before } = queryInput(ctx, TICKET_QUERY);
    await renderTicketPage(ctx, ticket, { tab, before });
  });

  r.post('/tickets/:id/followups', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const { body } = formInput(ctx, { body: text });
    try {
      await withFollowupLimit(ctx, async () => {
        const file = await uploadedFile(ctx, 'document');
        await addFollowup(ctx.state.s.app, ctx.state.actor!, {
          ticketId: ticket.id,
          body,
          files: file ? [file] : [],
          source: 'web',
        });
      });
    } catch (err) {
      const { status, form } = formError(err, { body });
      return renderTicketPage(ctx, ticket, { tab: 'followup', followup: form, status });
    }
    setFlash(ctx, 'portal:ticket.followupAdded');
    seeOther(ctx, `/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/approve', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const { approve_comment } = formInput(ctx, { approve_comment: text });
    await approveSolution(ctx.state.s.app, ctx.state.actor!, ticket.id, {
      body: approve_comment,
      source: 'web',
    });
    setFlash(ctx, 'portal:ticket.approved');
    seeOther(ctx, `/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/refuse', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const { comment } = formInput(ctx, { comment: text });
    try {
      await refuseSolution(ctx.state.s.app, ctx.state.actor!, ticket.id, { body: comment, source: 'web' });
    } catch (err) {
      const { status, form } = formError(err, { comment }, ['invalid']);
      return renderTicketPage(ctx, ticket, { approval: form, status });
    }
    setFlash(ctx, 'portal:ticket.refused');
    seeOther(ctx, `/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/survey', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const done = await submitSurvey(ctx, ctx.state.actor!, ticket.id, (survey, status) =>
      renderTicketPage(ctx, ticket, { survey, status }),
    );
    if (!done) return;
    setFlash(ctx, done.changed ? 'survey:changed' : 'survey:thanks');
    seeOther(ctx, `/tickets/${ticket.id}`);
  });

  r.get('/tickets/:id/attachments/:attachmentId', requireUser, async (ctx) => {
    const { id, attachmentId } = paramsInput(ctx, { ...TICKET_ID, attachmentId: pathToken });
    const file = await customerAttachment(ctx.state.s.db, viewerOf(ctx), id, attachmentId);
    if (!file) throw new AppError('not_found', 'portal:errors.attachmentNotFound');
    ctx.set('Content-Disposition', contentDisposition(file.filename));
    ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'private, no-store');
    // Served as opaque bytes: the declared type of an upload is not trusted for rendering.
    ctx.type = 'application/octet-stream';
    ctx.body = file.data;
  });
}
