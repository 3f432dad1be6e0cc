import { formatBytes } from '../../domain/catalog.js';
import { formatReference } from '../../domain/reference.js';
import type { WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';

const formats = new Map<string, Intl.DateTimeFormat>();
/** Formatted minutes per language|zone: Intl formatting is the costliest part of a list row. Bounded. */
const formatted = new Map<string, string>();

/** Date and time in the user's language and time zone (the installation's default zone for visitors). */
export function dateTime(ctx: WebContext, d: Date | string): string {
  const tz = ctx.state.user?.time_zone ?? 'Europe/Madrid';
  const key = `${ctx.state.lang}|${tz}`;
  const date = new Date(d);
  // timeStyle 'short' shows no seconds: every instant of a minute formats the same.
  const memoKey = `${key}|${Math.floor(date.getTime() / 60_000)}`;
  const hit = formatted.get(memoKey);
  if (hit !== undefined) return hit;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(ctx.state.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz });
    formats.set(key, f);
  }
  const text = f.format(date);
  if (formatted.size >= 20_000) formatted.clear();
  formatted.set(memoKey, text);
  return text;
}

export const reference = (ctx: WebContext, id: number): string =>
  formatReference(ctx.state.s.config.TICKET_PREFIX, id);

export const statusBadge = (ctx: WebContext, status: string): SafeHtml =>
  html`<span class="badge status-${status}">${ctx.state.t(`status.${status}`)}</span>`;

export const size = (n: number): string => formatBytes(n);
