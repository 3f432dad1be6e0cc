import { actorOf } from '../../app/actor.js';
import { openTicket } from '../../app/tickets/open-ticket.js';
import { type Classification, classifyMail } from '../../domain/classify.js';
import type { MailReason } from '../../domain/mail-reasons.js';
import { stripReferences } from '../../domain/reference.js';
import { translator } from '../../i18n/i18n.js';
import type { Sender } from '../lookups.js';
import { effect } from '../outcome.js';
import type { ParsedMail } from '../parse.js';
import { receivedAddress } from '../received-at.js';
import type { DecideContext, Outcome } from './context.js';
import { answerTooBig, attempt, lookupsOf, splitFiles } from './shared.js';

export async function newTicket(
  ctx: DecideContext,
  m: ParsedMail,
  user: Sender,
  text: string,
  code: Extract<MailReason, 'new_conversation' | 'ticket_closed' | 'not_a_party' | 'account_created'>,
  /** The closed ticket this mail replied to: the new ticket is linked to it. */
  follows?: number,
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
  const guess = classifyMail(catalog, m.subject, text);
  const urgencies = catalog.types[guess.type]?.urgencies ?? [];
  const urgency = urgencies.length
    ? (guess.urgency ?? (urgencies.includes('medium') ? 'medium' : urgencies[0]))
    : null;
  const services = user.company_id ? await lookupsOf(ctx).services(user.company_id) : [];
  const haystack = `${m.subject}\n${text}`.toLowerCase();
  const service =
    services.length === 1
      ? services[0]
      : services.find((s) => (s.circuit_id && haystack.includes(s.circuit_id.toLowerCase())) || false);
  const files = splitFiles(m);
  const title = (stripReferences(config.TICKET_PREFIX, m.subject) || t('ingest:noSubject')).slice(
    0,
    catalog.maxTitleLength,
  );
  const description = (text || t('ingest:noText')).slice(0, catalog.maxDescriptionLength);
  const receivedAt = receivedAddress(
    m,
    [config.SUPPORT_ADDRESS, ...(await lookupsOf(ctx).mailboxAddresses())],
    ctx.fetchedFor,
    config.SUBADDRESS_SEPARATOR,
  );
  const open = ctx.open ?? ((actor, input) => openTicket(ctx.app, actor, input));
  const r = await attempt(() =>
    open(actorOf(user), {
      draft: {
        type: guess.type,
        category: guess.category,
        urgency: urgency ?? null,
        serviceId: service?.id ?? null,
        title,
        description,
      },
      files: files.accepted,
      source: 'email',
      inboundMailId: ctx.recordId,
      autoClassified: guess.rule ?? 'default',
      ...(follows ? { follows } : {}),
      ...(receivedAt ? { receivedAt } : {}),
    }),
  );
  if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text };
  return {
    effect: effect('new_ticket', code, `a new ticket for the sender (${classifiedAs(guess)})`, {
      ticketId: r.value.ticketId,
      answered: await answerTooBig(ctx, m, r.value.ticketId, user),
    }),
    text,
  };
}

const classifiedAs = (g: Classification) =>
  g.rule
    ? `${g.type}/${g.category} by the keyword "${g.rule.keyword}" (${g.rule.lang}, ${g.rule.in})`
    : `${g.type}/${g.category}: no keyword matched, the catalog default`;
