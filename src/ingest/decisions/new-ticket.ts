import { actorOf } from '../../app/actor.js';
import { openTicket } from '../../app/tickets/open-ticket.js';
import { stripSubjectPrefixes } from '../../domain/reference.js';
import { translator } from '../../i18n/i18n.js';
import type { UserRow } from '../lookups.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import type { DecideContext, Outcome } from './context.js';
import { answerTooBig, attempt, lookupsOf, splitFiles } from './shared.js';

export async function newTicket(
  ctx: DecideContext,
  m: ParsedMail,
  user: UserRow,
  text: string,
  code: string,
): Promise<Outcome> {
  const { config } = ctx;
  const limit = config.MAIL_SENDER_LIMIT_PER_HOUR;
  const opened = await lookupsOf(ctx).ticketsOpenedLastHour(user.email.toLowerCase());
  if (!ctx.released && opened >= limit)
    return {
      effect: effect('held', 'rate_limited', `more than ${limit} new tickets by mail in an hour`),
      text,
    };
  const t = translator(user.language);
  const catalog = config.catalog;
  const type = catalog.types[catalog.defaultEmailType];
  const urgencies = type?.urgencies ?? [];
  const urgency = urgencies.length ? (urgencies.includes('medium') ? 'medium' : urgencies[0]) : null;
  const services = user.company_id ? await lookupsOf(ctx).services(user.company_id) : [];
  const haystack = `${m.subject}\n${text}`.toLowerCase();
  const service =
    services.length === 1
      ? services[0]
      : services.find((s) => (s.circuit_id && haystack.includes(s.circuit_id.toLowerCase())) || false);
  const files = splitFiles(m);
  const title = (stripSubjectPrefixes(m.subject) || t('ingest:noSubject')).slice(0, catalog.maxTitleLength);
  const description = (text || t('ingest:noText')).slice(0, catalog.maxDescriptionLength);
  const open = ctx.open ?? ((actor, input) => openTicket(ctx.app, actor, input));
  const r = await attempt(() =>
    open(actorOf(user), {
      draft: {
        type: catalog.defaultEmailType,
        category: catalog.defaultEmailCategory,
        urgency: urgency ?? null,
        serviceId: service?.id ?? null,
        title,
        description,
      },
      files: files.accepted,
      source: 'email',
      inboundMailId: ctx.recordId,
    }),
  );
  if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text };
  return {
    effect: effect('new_ticket', code, 'a new ticket for the sender', {
      ticketId: r.value.ticketId,
      answered: await answerTooBig(ctx, m, r.value.ticketId, user),
    }),
    text,
  };
}
