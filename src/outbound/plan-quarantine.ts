import { translator } from '../i18n/i18n.js';
import { reasonLabelKey } from '../i18n/reason-labels.js';
import { escapeHtml } from '../infra/escape-html.js';
import { type FamilyPlanner, team } from './plan.js';
import { resolveRecipients } from './recipients.js';

interface HeldItem {
  id: number;
  from: string | null;
  subject: string | null;
  code: string;
}

const items = (v: unknown): HeldItem[] => (Array.isArray(v) ? (v as HeldItem[]) : []);

/** The agents' quarantine digest: the team (AGENTS_ADDRESS, else every active agent), each in their language. */
export const planQuarantineMails: FamilyPlanner = async (c) => {
  const { row, link, strings, base, senderName } = c;
  const held = items(row.payload.mails);
  if (!held.length) return [];
  const agents = await team(c);
  const recipients = resolveRecipients(row.event, {
    facts: { payload: row.payload, actorIsStaff: true },
    actorId: null,
    resolve: (to) => (to === 'agents' ? agents : []),
  });
  return recipients.map((r) => ({
    recipient: r,
    replyToken: null,
    async plan() {
      const tr = await strings(r.template, r.language);
      // The reasons' labels live with the quarantine page's strings (agent namespace), not the mail ones.
      const reasons = translator(r.language);
      const lines = held.map((m) => ({
        url: link.heldMail(m.id),
        from: m.from ?? '—',
        subject: m.subject || String(tr('mail:noSubject')),
        reason: reasons(reasonLabelKey(m.code)),
      }));
      const subject = String(tr('mail:digest.subject', { count: held.length }));
      return {
        template: r.template,
        lang: r.language,
        subject,
        fromName: senderName(r.language),
        ticketId: null,
        inReplyTo: null,
        references: [],
        data: {
          ...base(r.language, tr),
          subject,
          preview: subject,
          name: r.name,
          count: held.length,
          quarantineUrl: link.heldMail(0).replace(/\/0$/, ''),
          held_html: `<ul>${lines
            .map(
              (l) =>
                `<li><strong>${escapeHtml(l.from)}</strong> — <a href="${escapeHtml(l.url)}">${escapeHtml(l.subject)}</a> — ${escapeHtml(l.reason)}</li>`,
            )
            .join('')}</ul>`,
          held_text: lines.map((l) => `- ${l.from} — ${l.subject} — ${l.reason}\n  ${l.url}`).join('\n'),
          replyHint: 'noReplyHint',
        },
      };
    },
  }));
};
