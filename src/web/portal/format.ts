import { formatBytes } from '../../domain/catalog.js';
import { formatReference } from '../../domain/reference.js';
import type { WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';

export { dateTime } from '../dates.js';

export const reference = (ctx: WebContext, id: number): string =>
  formatReference(ctx.state.s.config.TICKET_PREFIX, id);

export const statusBadge = (ctx: WebContext, status: string): SafeHtml =>
  html`<span class="badge status-${status}">${ctx.state.t(`status.${status}`)}</span>`;

export const urgencyBadge = (ctx: WebContext, urgency: string): SafeHtml =>
  html`<span class="badge urgency-${urgency}">${ctx.state.t(`urgency.${urgency}`)}</span>`;

export const size = (n: number): string => formatBytes(n);
