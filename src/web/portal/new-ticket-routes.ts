import type Router from '@koa/router';
import { customerServices } from '../../app/queries/customer-services.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { openTicket } from '../../app/tickets/open-ticket.js';
import { formatBytes } from '../../domain/catalog.js';
import { isAppError } from '../../domain/errors.js';
import { requireUser } from '../auth.js';
import { field, uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  fileField,
  formFromError,
  radioGroup,
  selectField,
  textArea,
  textField,
} from '../forms.js';
import { html } from '../html.js';
import { csrfQuery, renderPage } from '../layout.js';
import { setFlash } from '../session.js';
import { reference } from './format.js';
import { outageBanner } from './outage-banner.js';
import { viewerOf } from './ticket-list-routes.js';

const FIELDS = [
  'type',
  'serviceId',
  'category',
  'urgency',
  'title',
  'description',
  'relatedTicketId',
] as const;

/** The ticket a new one follows on from (`?related=` or the form's hidden field), if the customer may see it. */
async function relatedTicket(ctx: WebContext, id: unknown): Promise<CustomerTicket | null> {
  const n = typeof id === 'string' && /^\d{1,12}$/.test(id) ? Number(id) : 0;
  return n ? customerTicket(ctx.state.s.db, viewerOf(ctx), n) : null;
}

/** A related ticket's classification and title start the form: most often the same problem again. */
function prefilledFrom(related: CustomerTicket): FormState {
  return emptyForm({
    type: related.type,
    category: related.category,
    urgency: related.urgency ?? '',
    serviceId: related.service_id ? String(related.service_id) : '',
    title: related.title,
    relatedTicketId: String(related.id),
  });
}

async function newTicketPage(
  ctx: WebContext,
  f: FormState,
  status = 200,
  related: CustomerTicket | null = null,
): Promise<void> {
  const { t, s, user } = ctx.state;
  const catalog = s.config.catalog;
  const services = await customerServices(s.db, user!.company_id);
  const types = Object.entries(catalog.types);
  const urgencyTypes = types.filter(([, v]) => v.urgencies.length > 0).map(([k]) => k);
  const urgencies = [...new Set(types.flatMap(([, v]) => v.urgencies))];
  const limit = formatBytes(catalog.maxAttachmentBytes);
  const categoryOptions = types.flatMap(([type, v]) =>
    v.categories.map((c) => ({
      value: c,
      label: `${t(`type.${type}`)} · ${t(`category.${c}`)}`,
      attrs: html` data-type="${type}"`,
    })),
  );
  if (!f.values.type && types[0]) f.values.type = types[0][0];
  if (!f.values.serviceId && services.length === 1) f.values.serviceId = String(services[0]?.id);
  await renderPage(ctx, {
    title: t('portal:ticketForm.title'),
    nav: '/tickets/new',
    status,
    body: html`<div class="page-head"><h1>${t('portal:ticketForm.title')}</h1></div>
${await outageBanner(ctx)}
<section class="card">
  <p class="lead">${t('portal:ticketForm.intro')}</p>
  ${related ? html`<p class="notice info">${t('portal:ticketForm.relatedTo', { reference: reference(ctx, related.id), title: related.title })}</p>` : ''}
  ${errorSummary(t, f)}
  <form method="post" action="/tickets/new?${await csrfQuery(ctx)}" enctype="multipart/form-data" data-ticket-form novalidate>
    ${related ? html`<input type="hidden" name="relatedTicketId" value="${related.id}">` : ''}
    ${radioGroup(t, f, {
      name: 'type',
      label: t('portal:ticketForm.type'),
      required: true,
      options: types.map(([k]) => ({ value: k, label: t(`type.${k}`) })),
    })}
    <div class="grid-2">
    ${
      services.length > 0
        ? selectField(t, f, {
            name: 'serviceId',
            label: t('portal:ticketForm.service'),
            required: true,
            placeholder: t('portal:ticketForm.chooseService'),
            options: services.map((sv) => ({
              value: String(sv.id),
              label: sv.circuit_id ? `${sv.name} (${sv.circuit_id})` : sv.name,
            })),
          })
        : ''
    }
    ${selectField(t, f, {
      name: 'category',
      label: t('portal:ticketForm.category'),
      required: true,
      placeholder: t('portal:ticketForm.chooseCategory'),
      options: categoryOptions,
    })}
    </div>
    ${radioGroup(t, f, {
      name: 'urgency',
      label: t('portal:ticketForm.urgency'),
      required: true,
      wrapAttrs: html` data-show-for="${urgencyTypes.join(' ')}"`,
      options: [
        ...urgencies.map((u) => ({ value: u, label: t(`urgency.${u}`) })),
        // Without JavaScript the field stays visible: this lets a request go without urgency.
        { value: '', label: t('portal:ticketForm.noUrgency'), attrs: html` data-nojs-only` },
      ],
    })}
    ${textField(t, f, { name: 'title', label: t('portal:ticketForm.titleField'), required: true, maxlength: catalog.maxTitleLength })}
    ${textArea(t, f, { name: 'description', label: t('portal:ticketForm.description'), required: true, rows: 8 })}
    ${fileField(t, f, {
      name: 'attachment',
      label: t('portal:ticketForm.attachment'),
      hint: t('portal:ticketForm.attachmentHint', { limit }),
      maxBytes: catalog.maxAttachmentBytes,
      tooLarge: t('validation.attachmentTooLarge', { limit }),
    })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:ticketForm.submit')}</button></div>
  </form>
</section>`,
  });
}

export function mountNewTicketRoutes(r: Router<WebState>): void {
  r.get('/tickets/new', requireUser, async (ctx) => {
    const related = await relatedTicket(ctx, ctx.query.related);
    await newTicketPage(ctx, related ? prefilledFrom(related) : emptyForm(), 200, related);
  });

  r.post('/tickets/new', requireUser, async (ctx) => {
    const values = Object.fromEntries(FIELDS.map((k) => [k, field(ctx, k)]));
    const rid = Number(values.relatedTicketId);
    try {
      const file = await uploadedFile(ctx, 'attachment');
      const sid = Number(values.serviceId);
      // An id that is not a number cannot be one of theirs: the use case reports it as such.
      const serviceId = values.serviceId ? (Number.isSafeInteger(sid) ? sid : -1) : null;
      const { ticketId } = await openTicket(ctx.state.s.app, ctx.state.actor!, {
        draft: {
          type: values.type ?? '',
          category: values.category ?? '',
          urgency: values.urgency || null,
          serviceId,
          title: values.title ?? '',
          description: values.description ?? '',
        },
        files: file ? [file] : [],
        source: 'web',
        relatedTicketId: values.relatedTicketId ? (Number.isSafeInteger(rid) ? rid : -1) : null,
      });
      setFlash(ctx, 'portal:ticketForm.created', { reference: reference(ctx, ticketId) });
      ctx.redirect(`/tickets/${ticketId}`);
    } catch (err) {
      if (isAppError(err) && (err.code === 'invalid' || err.code === 'too_large'))
        return newTicketPage(
          ctx,
          formFromError(err, values),
          err.code === 'too_large' ? 413 : 422,
          await relatedTicket(ctx, values.relatedTicketId),
        );
      throw err;
    }
  });
}
