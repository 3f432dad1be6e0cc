import type Router from '@koa/router';
import { z } from 'zod';
import { customerServices } from '../../app/queries/customer-services.js';
import { type CustomerTicket, customerTicket } from '../../app/queries/ticket-timeline.js';
import { openTicket } from '../../app/tickets/open-ticket.js';
import { formatBytes } from '../../domain/catalog.js';
import { requireUser } from '../auth.js';
import { uploadedFile } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  fileField,
  radioGroup,
  selectField,
  textArea,
  textField,
} from '../forms.js';
import { html } from '../html.js';
import { formInput, formValues, queryInput, queryInt, text } from '../input.js';
import { csrfQuery, renderPage } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { reference } from './format.js';
import { outageBanner } from './outage-banner.js';
import { viewerOf } from './ticket-list-routes.js';

/** The ticket a new one follows on from (`?related=` or the form's hidden field), if the customer may see it. */
async function relatedTicket(ctx: WebContext, id: number | null): Promise<CustomerTicket | null> {
  return id ? customerTicket(ctx.state.s.db, viewerOf(ctx), id) : null;
}

/**
 * The form's fields. An id that is not a number cannot be one of theirs: it goes on as -1 and the use case
 * reports it on its field.
 */
const maybeId = z
  .string()
  .default('')
  .transform((v) => (v === '' ? null : /^\d{1,12}$/.test(v) ? Number(v) : -1));
const NEW_TICKET = {
  type: text,
  serviceId: maybeId,
  category: text,
  urgency: text,
  title: text,
  description: text,
  relatedTicketId: maybeId,
};

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
    const { related: id } = queryInput(ctx, { related: queryInt });
    const related = await relatedTicket(ctx, id);
    await newTicketPage(ctx, related ? prefilledFrom(related) : emptyForm(), 200, related);
  });

  r.post('/tickets/new', requireUser, async (ctx) => {
    let relatedTicketId: number | null = null;
    try {
      const { urgency, ...f } = formInput(ctx, NEW_TICKET);
      relatedTicketId = f.relatedTicketId;
      const file = await uploadedFile(ctx, 'attachment');
      const { ticketId } = await openTicket(ctx.state.s.app, ctx.state.actor!, {
        draft: {
          type: f.type,
          category: f.category,
          urgency: urgency || null,
          serviceId: f.serviceId,
          title: f.title,
          description: f.description,
        },
        files: file ? [file] : [],
        source: 'web',
        relatedTicketId,
      });
      setFlash(ctx, 'portal:ticketForm.created', { reference: reference(ctx, ticketId) });
      seeOther(ctx, `/tickets/${ticketId}`);
    } catch (err) {
      const { status, form } = formError(err, formValues(ctx, Object.keys(NEW_TICKET)), [
        'invalid',
        'too_large',
      ]);
      return newTicketPage(ctx, form, status, await relatedTicket(ctx, relatedTicketId));
    }
  });
}
