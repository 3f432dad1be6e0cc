import { createUser } from '../app/accounts/create-user.js';
import { actorOf } from '../app/actor.js';
import type { UploadedFile } from '../app/attachments.js';
import type { AppContext } from '../app/context.js';
import { answerMailSender } from '../app/mail-answers.js';
import { addFollowup } from '../app/tickets/add-followup.js';
import { assign, close, refuseSolution, resolve, setPending } from '../app/tickets/lifecycle.js';
import { type OpenedTicket, type OpenTicketInput, openTicket } from '../app/tickets/open-ticket.js';
import type { Config } from '../config/config.js';
import type { Tx } from '../db/db.js';
import { isAppError } from '../domain/errors.js';
import { canContributeToTicket } from '../domain/permissions.js';
import { formatReference, stripSubjectPrefixes } from '../domain/reference.js';
import type { Actor } from '../domain/ticket-status.js';
import { translator } from '../i18n/i18n.js';
import { agentCommands } from './commands.js';
import { directLookups, HOUR, recentCount, type SenderLookups, USER_COLS, type UserRow } from './lookups.js';
import { matchTicket, type TicketMatch } from './match.js';
import { type Effect, effect } from './outcome.js';
import type { ParsedMail } from './parse.js';
import { extractReply } from './reply-text.js';
import { bounceDetails, robotKind } from './robots.js';
import { senderAuthenticated } from './sender-auth.js';

export interface DecideContext {
  trx: Tx;
  app: AppContext;
  config: Config;
  mode: 'inbox' | 'sent';
  recordId: number;
  raw: Buffer;
  /**
   * An agent released this held message: the checks that hold mail (sender authentication, the unknown-sender
   * answer, the per-sender rate limit) are skipped because a person decided. Robots, loops, permissions on the
   * matched ticket and the attachment limit still apply.
   */
  released?: boolean;
  /** Sender facts read ahead for a batch; by default each is a query. */
  lookups?: SenderLookups;
  /** Opens the ticket through the use case; the group commit passes one that opens a round's tickets together. */
  open?: (actor: Actor, input: OpenTicketInput) => Promise<OpenedTicket>;
}

export interface Decision {
  effect: Effect;
  role: 'customer' | 'agent' | 'unknown';
  text: string;
}

/** Runs one effect through a savepoint: an AppError (closed ticket, forbidden move) leaves nothing behind. */
async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; key: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isAppError(err)) return { ok: false, key: err.messageKey };
    throw err;
  }
}

/** Decides what one parsed message does and does it through the use cases, inside the caller's transaction. */
export async function decide(ctx: DecideContext, m: ParsedMail): Promise<Decision> {
  const { trx, config } = ctx;
  const sender = m.from?.address ?? null;
  const fullText = m.text.trim();
  const none = (e: Effect): Decision => ({ effect: e, role: 'unknown', text: fullText });
  if (!sender) return none(effect('held', 'no_sender', 'the message has no From address'));

  const robot = robotKind(m, config.SUPPORT_ADDRESS);
  if (robot) {
    if (robot.kind === 'bounce') await recordBounce(trx, ctx.raw, m.messageId);
    return none(effect('ignored', robot.kind, robot.why));
  }
  if (sender === config.SUPPORT_ADDRESS.toLowerCase() && ctx.mode === 'inbox')
    return none(effect('ignored', 'loop', 'sent from our own support address'));

  const user = await lookupsOf(ctx).user(sender);
  const match = await matchTicket(trx, m, { secret: config.SECRET, ticketPrefix: config.TICKET_PREFIX });
  // Only replies need the quoted text stripped (its cost is as high as the parse): a new ticket keeps it all.
  let stripped: string | undefined;
  const replyText = () => {
    stripped ??= extractReply(fullText) || fullText;
    return stripped;
  };
  const roleOf = (u: UserRow | undefined) => (!u ? 'unknown' : u.role === 'customer' ? 'customer' : 'agent');

  if (ctx.mode === 'sent')
    return { ...(await fromSentFolder(ctx, m, user, match, replyText())), role: roleOf(user) };

  const trusted = config.MAIL_TRUSTED_AUTHSERV_ID;
  const auth =
    trusted && !ctx.released
      ? senderAuthenticated(m.headerLines.get('authentication-results') ?? [], trusted, sender)
      : { ok: true, why: ctx.released ? 'released by an agent' : 'no authentication check configured' };

  // A valid reply token speaks for its recipient, whatever address the reply comes from.
  let author = user;
  if (match?.token) {
    const tokenUser: UserRow | undefined = await trx('users')
      .where({ id: match.token.userId, active: true })
      .first(USER_COLS);
    if (tokenUser && (!user || user.id !== tokenUser.id) && !isStaffRow(user)) author = tokenUser;
  }
  const role = roleOf(author);
  const tokenForAuthor = Boolean(match?.token && author && match.token.userId === author.id);
  if (author && !tokenForAuthor && !auth.ok)
    return { effect: effect('held', 'not_authenticated', auth.why), role, text: replyText() };

  if (!author) return { ...(await unknownSender(ctx, m, auth.ok ? null : auth.why)), role: 'unknown' };
  if (isStaffRow(author)) {
    if (!match)
      return {
        effect: effect('held', 'agent_without_ticket', 'an agent wrote without naming a ticket'),
        role,
        text: replyText(),
      };
    return { ...(await agentMail(ctx, m, author, match.ticketId, replyText())), role };
  }
  return { ...(await customerMail(ctx, m, author, match, replyText, fullText)), role };
}

const lookupsOf = (ctx: DecideContext) => ctx.lookups ?? directLookups(ctx.trx);

const isStaffRow = (u: UserRow | undefined) => Boolean(u && u.role !== 'customer');

function splitFiles(m: ParsedMail) {
  const accepted: UploadedFile[] = [];
  const refused: { name: string; size: number }[] = [];
  for (const a of m.attachments) {
    if (a.data) accepted.push({ filename: a.filename, contentType: a.contentType, data: a.data });
    else refused.push({ name: a.filename, size: a.size });
  }
  return { accepted, refused };
}

/** Tells the sender which files were too big and the limit (the rest of the message is kept). */
async function answerTooBig(
  ctx: DecideContext,
  m: ParsedMail,
  ticketId: number | null,
  user: UserRow | null,
) {
  const { refused } = splitFiles(m);
  if (!refused.length || !m.from || !(await mayAnswer(ctx, m.from.address))) return false;
  await answerMailSender(ctx.trx, {
    event: 'mail.attachment_too_big',
    payload: {
      to: m.from.address,
      name: m.from.name,
      subject: m.subject,
      inReplyTo: m.messageId,
      files: refused,
      limit: ctx.config.catalog.maxAttachmentBytes,
      ticketId,
      userId: user?.id ?? null,
    },
  });
  return true;
}

async function mayAnswer(ctx: DecideContext, address: string): Promise<boolean> {
  const n = await recentCount(ctx.trx, address, new Date(Date.now() - HOUR), (q) => {
    q.whereRaw("details->>'answered' = 'true'");
  });
  return n < ctx.config.MAIL_AUTO_ANSWER_LIMIT_PER_HOUR;
}

async function customerMail(
  ctx: DecideContext,
  m: ParsedMail,
  user: UserRow,
  match: TicketMatch | null,
  replyText: () => string,
  fullText: string,
): Promise<Omit<Decision, 'role'>> {
  const actor = actorOf(user);
  if (match) {
    const reply = replyText();
    const t = await ctx
      .trx('tickets')
      .where({ id: match.ticketId })
      .first('id', 'status', 'requester_id', 'company_id');
    const party =
      (match.token?.ticketId === t.id && match.token?.userId === user.id) ||
      canContributeToTicket(actor, { requesterId: t.requester_id, companyId: t.company_id });
    if (party && t.status !== 'closed') {
      const files = splitFiles(m);
      const input = {
        body: reply,
        source: 'email' as const,
        inboundMailId: ctx.recordId,
        files: files.accepted,
      };
      const ref = formatReference(ctx.config.TICKET_PREFIX, t.id);
      if (t.status === 'resolved') {
        const r = await attempt(() => refuseSolution(ctx.app, actor, t.id, input));
        if (r.ok)
          return {
            effect: effect('reopen', 'refused_solution', `reply to the resolved ticket ${ref} reopens it`, {
              ticketId: t.id,
              followupId: r.value.followupId,
              answered: await answerTooBig(ctx, m, t.id, user),
            }),
            text: reply,
          };
      }
      const r = await attempt(() => addFollowup(ctx.app, actor, { ...input, ticketId: t.id }));
      if (r.ok)
        return {
          effect: effect(
            'followup',
            `matched_by_${match.by}`,
            `follow-up on ${ref} (matched by ${match.by})`,
            {
              ticketId: t.id,
              followupId: r.value.followupId,
              answered: await answerTooBig(ctx, m, t.id, user),
            },
          ),
          text: reply,
        };
      return { effect: effect('held', 'effect_refused', r.key), text: reply };
    }
    if (party) {
      // A closed ticket takes no more follow-ups: the reply opens a new ticket that names the old one.
      const ref = formatReference(ctx.config.TICKET_PREFIX, t.id);
      const note = translator(user.language)('ingest:closedTicketReply', { ref });
      return newTicket(ctx, m, user, `${note}\n\n${fullText}`, 'ticket_closed');
    }
    // Naming someone else's ticket (subject or thread) is only a hint: this sender gets their own ticket.
    return newTicket(ctx, m, user, fullText, 'not_a_party');
  }
  return newTicket(ctx, m, user, fullText, 'new_conversation');
}

async function newTicket(
  ctx: DecideContext,
  m: ParsedMail,
  user: UserRow,
  text: string,
  code: string,
): Promise<Omit<Decision, 'role'>> {
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

async function agentMail(
  ctx: DecideContext,
  m: ParsedMail,
  agent: UserRow,
  ticketId: number,
  reply: string,
): Promise<Omit<Decision, 'role'>> {
  const actor = actorOf(agent);
  const { commands, rest } = agentCommands(reply);
  const t = translator(agent.language);
  const files = splitFiles(m);
  const base = { source: 'email' as const, inboundMailId: ctx.recordId };
  let followupId: number | null = null;
  const writesText = !commands.includes('resolve') && !commands.includes('pending');
  if (writesText && (rest || files.accepted.length)) {
    const r = await attempt(() =>
      addFollowup(ctx.app, actor, { ...base, ticketId, body: rest, files: files.accepted }),
    );
    if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text: rest };
    followupId = r.value.followupId;
  }
  for (const c of commands) {
    const r = await attempt<{ followupId: number | null }>(() => {
      if (c === 'resolve')
        return resolve(ctx.app, actor, ticketId, {
          ...base,
          body: rest || t('ingest:resolvedByMail'),
          files: files.accepted,
        });
      if (c === 'pending')
        return setPending(ctx.app, actor, ticketId, {
          ...base,
          body: rest || t('ingest:pendingByMail'),
          files: files.accepted,
        });
      if (c === 'assign_me') return assign(ctx.app, actor, ticketId, agent.id);
      return close(ctx.app, actor, ticketId, { reason: 'email' });
    });
    if (!r.ok) return { effect: effect('held', 'effect_refused', `#${c}: ${r.key}`), text: rest };
    followupId = r.value.followupId ?? followupId;
  }
  const ref = formatReference(ctx.config.TICKET_PREFIX, ticketId);
  return {
    effect: effect(
      'followup',
      commands.length ? 'agent_command' : 'agent_reply',
      commands.length ? `${commands.map((c) => `#${c}`).join(' ')} on ${ref}` : `agent reply on ${ref}`,
      {
        ticketId,
        followupId,
        answered: await answerTooBig(ctx, m, ticketId, agent),
      },
    ),
    text: rest,
  };
}

/** What agents sent from the shared mailbox: a follow-up the customer already received. */
async function fromSentFolder(
  ctx: DecideContext,
  m: ParsedMail,
  user: UserRow | undefined,
  match: TicketMatch | null,
  reply: string,
): Promise<Omit<Decision, 'role'>> {
  if (!match)
    return { effect: effect('ignored', 'sent_unmatched', 'sent mail about no ticket'), text: reply };
  const actor: Actor = user && user.role !== 'customer' ? actorOf(user) : { kind: 'system' };
  const files = m.attachments
    .filter((a) => a.data)
    .map((a) => ({ filename: a.filename, contentType: a.contentType, data: a.data as Buffer }));
  const r = await attempt(() =>
    addFollowup(ctx.app, actor, {
      ticketId: match.ticketId,
      body: reply,
      files,
      source: 'email',
      inboundMailId: ctx.recordId,
      alreadySent: true,
    }),
  );
  if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text: reply };
  return {
    effect: effect(
      'followup',
      'sent_by_agent',
      `reply sent from the shared mailbox on ${formatReference(ctx.config.TICKET_PREFIX, match.ticketId)}`,
      {
        ticketId: match.ticketId,
        followupId: r.value.followupId,
      },
    ),
    text: reply,
  };
}

async function unknownSender(
  ctx: DecideContext,
  m: ParsedMail,
  authFailure: string | null,
): Promise<Omit<Decision, 'role'>> {
  const { config, trx } = ctx;
  const from = m.from as { address: string; name: string };
  const text = m.text.trim();
  if (config.MAIL_UNKNOWN_SENDER === 'create_account') {
    if (authFailure) return { effect: effect('held', 'not_authenticated', authFailure), text };
    const domain = from.address.split('@').pop() ?? 'email';
    const r = await attempt(() =>
      createUser(
        ctx.app,
        { kind: 'system' },
        {
          email: from.address,
          name: from.name || from.address.split('@')[0] || from.address,
          role: 'customer',
          companyName: domain,
          language: config.DEFAULT_LANGUAGE,
          invite: true,
        },
      ),
    );
    if (!r.ok) return { effect: effect('held', 'effect_refused', r.key), text };
    const user: UserRow = await trx('users').where({ id: r.value.userId }).first(USER_COLS);
    return newTicket(ctx, m, user, text, 'account_created');
  }
  if (ctx.released)
    return { effect: effect('rejected', 'unknown_sender', 'no account for this address'), text };
  // One explanation a day per address: enough to tell a person, useless to a loop or a spam relay.
  const answeredToday = await recentCount(trx, from.address, new Date(Date.now() - 24 * HOUR), (q) => {
    q.whereRaw("details->>'answered' = 'true' and details->>'code' = 'unknown_sender'");
  });
  const answered = answeredToday === 0 && (await mayAnswer(ctx, from.address));
  if (answered)
    await answerMailSender(trx, {
      event: 'mail.unknown_sender',
      payload: {
        to: from.address,
        name: from.name,
        subject: m.subject,
        inReplyTo: m.messageId,
        inboundMailId: ctx.recordId,
        language: config.DEFAULT_LANGUAGE,
      },
    });
  return {
    effect: effect('rejected', 'unknown_sender', 'no account for this address; kept for an agent', {
      quarantine: true,
      answered,
    }),
    text,
  };
}

/** A delivery report about one of our notifications: the delivery and its recipient are marked bounced. */
async function recordBounce(trx: Tx, raw: Buffer, ownId: string | null): Promise<void> {
  const b = bounceDetails(raw, ownId);
  if (!b.messageIds.length) return;
  const rows: { id: number; recipient: string; user_id: number | null }[] = await trx('deliveries')
    .whereIn('message_id', b.messageIds)
    .select('id', 'recipient', 'user_id');
  const failed = rows.filter((r) => !b.recipients.length || b.recipients.includes(r.recipient.toLowerCase()));
  if (!failed.length) return;
  await trx('deliveries')
    .whereIn(
      'id',
      failed.map((r) => r.id),
    )
    .update({ status: 'bounced', error: b.diagnostic });
  const now = new Date();
  for (const r of failed) {
    await trx('users')
      .whereRaw('lower(email) = ?', [r.recipient.toLowerCase()])
      .update({ bounced_at: now, bounce_reason: b.diagnostic });
  }
}
