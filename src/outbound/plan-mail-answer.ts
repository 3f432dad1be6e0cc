import { formatReference, stripSubjectPrefixes } from '../domain/reference.js';
import { formatBytes } from './format.js';
import { bracketed, type FamilyPlanner, num, str } from './plan.js';
import { type Person, resolveRecipients } from './recipients.js';
import { filesList } from './ticket-wording.js';

/** mail.*: automatic answers to the sender of a mail we could not take as it came, in its thread. */
export const planMailAnswers: FamilyPlanner = async ({
  config,
  row,
  link,
  users,
  strings,
  base,
  senderName,
}) => {
  const p = row.payload;
  const ticket = row.ticket;
  const to = str(p.to);
  if (!to) return [];
  const userId = num(p.userId);
  const byId = await users([userId]);
  const u = userId !== null ? byId.get(userId) : undefined;
  const language = str(p.language) || u?.language || config.DEFAULT_LANGUAGE;
  const sender: Person = {
    userId: u?.id ?? null,
    email: to,
    name: str(p.name) || u?.name || to,
    language,
    role: u?.role ?? 'external',
    bouncedAt: null,
    notifySelf: false,
  };
  const recipients = resolveRecipients(row.event, {
    facts: { payload: p, actorIsStaff: false },
    actorId: row.actor_id,
    resolve: (a) => (a === 'mail-sender' ? [sender] : []),
  });
  return recipients.map((r) => ({
    recipient: r,
    replyToken: ticket && u ? { ticketId: ticket.id, userId: u.id } : null,
    async plan() {
      const tr = await strings(r.template, r.language);
      const original = stripSubjectPrefixes(str(p.subject)) || tr('mail:noSubject');
      const ref = ticket ? formatReference(config.TICKET_PREFIX, ticket.id) : '';
      const subject = ticket ? `[${ref}] ${ticket.title}` : `Re: ${original}`;
      const files = Array.isArray(p.files) ? (p.files as { name?: unknown; size?: unknown }[]) : [];
      const list = filesList(
        tr,
        files.map((f) => ({ name: str(f.name), size: num(f.size) ?? 0 })),
        false,
      );
      const limit = formatBytes(num(p.limit) ?? config.MAIL_MAX_MESSAGE_BYTES);
      const inbound = str(p.inReplyTo) ? bracketed(str(p.inReplyTo)) : null;
      return {
        template: r.template,
        lang: r.language,
        subject,
        fromName: senderName(r.language),
        ticketId: ticket?.id ?? null,
        inReplyTo: inbound,
        references: inbound ? [inbound] : [],
        data: {
          ...base(r.language, tr),
          subject,
          preview: subject,
          name: r.name,
          email: r.email,
          originalSubject: original,
          reason: str(p.reason),
          limit,
          ref,
          ticketUrl: ticket && u ? link.ticket(ticket.id) : '',
          ...list,
          replyHint: 'noReplyHint',
        },
      };
    },
  }));
};
