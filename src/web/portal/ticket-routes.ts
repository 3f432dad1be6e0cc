import type Router from '@koa/router';
import { customerAttachment } from '../../app/queries/ticket-attachment.js';
import { type CustomerTicket, customerTicket, timelineCursor } from '../../app/queries/ticket-timeline.js';
import { addFollowup } from '../../app/tickets/add-followup.js';
import { approveSolution, refuseSolution } from '../../app/tickets/lifecycle.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { requireUser } from '../auth.js';
import { field, uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { withFollowupLimit } from '../followup-limit.js';
import { formFromError } from '../forms.js';
import { setFlash } from '../session.js';
import { submitSurvey } from './survey-routes.js';
import { viewerOf } from './ticket-list-routes.js';
import { renderTicketPage } from './ticket-page.js';

/** The ticket of the URL if the signed-in customer may see it; 404 otherwise, whatever the id tried. */
async function loadTicket(ctx: WebContext): Promise<CustomerTicket> {
  const id = /^\d{1,12}$/.test(ctx.params.id ?? '') ? Number(ctx.params.id) : 0;
  const ticket = await customerTicket(ctx.state.s.db, viewerOf(ctx), id);
  if (!ticket) throw new AppError('not_found', 'errors.ticketNotFound');
  return ticket;
}

const formErrorCodes = new Set(['invalid', 'too_large', 'conflict', 'rate_limited']);
const STATUS: Record<string, number> = { too_large: 413, conflict: 409, rate_limited: 429 };
const statusOf = (code: string) => STATUS[code] ?? 422;

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
    await renderTicketPage(ctx, ticket, {
      tab: ctx.query.tab === 'followup' ? 'followup' : 'history',
      before: timelineCursor(ctx.query.before),
    });
  });

  r.post('/tickets/:id/followups', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const values = { body: field(ctx, 'body') };
    try {
      await withFollowupLimit(ctx, async () => {
        const file = await uploadedFile(ctx, 'document');
        await addFollowup(ctx.state.s.app, ctx.state.actor!, {
          ticketId: ticket.id,
          body: values.body,
          files: file ? [file] : [],
          source: 'web',
        });
      });
    } catch (err) {
      if (isAppError(err) && formErrorCodes.has(err.code))
        return renderTicketPage(ctx, ticket, {
          tab: 'followup',
          followup: formFromError(err, values),
          status: statusOf(err.code),
        });
      throw err;
    }
    setFlash(ctx, 'portal:ticket.followupAdded');
    ctx.redirect(`/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/approve', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    await approveSolution(ctx.state.s.app, ctx.state.actor!, ticket.id, {
      body: field(ctx, 'approve_comment'),
      source: 'web',
    });
    setFlash(ctx, 'portal:ticket.approved');
    ctx.redirect(`/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/refuse', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const values = { comment: field(ctx, 'comment') };
    try {
      await refuseSolution(ctx.state.s.app, ctx.state.actor!, ticket.id, {
        body: values.comment,
        source: 'web',
      });
    } catch (err) {
      if (isAppError(err) && err.code === 'invalid')
        return renderTicketPage(ctx, ticket, { approval: formFromError(err, values), status: 422 });
      throw err;
    }
    setFlash(ctx, 'portal:ticket.refused');
    ctx.redirect(`/tickets/${ticket.id}`);
  });

  r.post('/tickets/:id/survey', requireUser, async (ctx) => {
    const ticket = await loadTicket(ctx);
    const done = await submitSurvey(ctx, ctx.state.actor!, ticket.id, (survey, status) =>
      renderTicketPage(ctx, ticket, { survey, status }),
    );
    if (!done) return;
    setFlash(ctx, done.changed ? 'survey:changed' : 'survey:thanks');
    ctx.redirect(`/tickets/${ticket.id}`);
  });

  r.get('/tickets/:id/attachments/:attachmentId', requireUser, async (ctx) => {
    const id = /^\d{1,12}$/.test(ctx.params.id ?? '') ? Number(ctx.params.id) : 0;
    const file = await customerAttachment(ctx.state.s.db, viewerOf(ctx), id, ctx.params.attachmentId ?? '');
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
