import { issueInvitationPassword } from '../app/accounts/invitation.js';
import { emailChangeToken, emailUndoToken, resetToken } from '../app/links.js';
import { type FamilyPlanner, num, person, str } from './plan.js';
import { type Person, resolveRecipients } from './recipients.js';

/** account.*: the invitation, the password reset link, the email-change confirmation and its notice. */
export const planAccountMails: FamilyPlanner = async ({
  db,
  config,
  row,
  link,
  users,
  strings,
  base,
  senderName,
}) => {
  const p = row.payload;
  const userId = num(p.userId);
  const byId = await users([userId, row.actor_id]);
  const u = userId !== null ? byId.get(userId) : undefined;
  if (!u?.active) return [];
  const target: Person =
    row.event === 'account.email_change'
      ? { ...person(u), email: str(p.newEmail), bouncedAt: null }
      : row.event === 'account.email_changed'
        ? { ...person(u), email: str(p.oldEmail), bouncedAt: null }
        : person(u);
  if (!target.email) return [];
  const recipients = resolveRecipients(row.event, {
    facts: { payload: p, actorIsStaff: false },
    actorId: row.actor_id,
    resolve: (to) => (to === 'account' || to === 'new-email' || to === 'old-email' ? [target] : []),
  });
  return recipients.map((r) => ({
    recipient: r,
    replyToken: null,
    async plan() {
      const tr = await strings(r.template, r.language);
      const data: Record<string, unknown> = { ...base(r.language, tr), name: u.name, email: u.email };
      let subjectKey = 'invited.subject';
      if (r.template === 'account-invited') {
        data.password = await issueInvitationPassword(db, u.id);
      } else if (r.template === 'password-reset') {
        subjectKey = 'reset.subject';
        data.resetUrl = link.resetPassword(resetToken(config.SECRET, u));
      } else if (r.template === 'email-change') {
        subjectKey = 'emailChange.subject';
        // The address has not been confirmed: nothing its requester wrote (her name) goes into this mail.
        data.name = target.email;
        data.newEmail = target.email;
        data.confirmUrl = link.confirmEmail(emailChangeToken(config.SECRET, u, target.email));
      } else {
        subjectKey = 'emailChanged.subject';
        data.newEmail = str(p.newEmail);
        data.undoUrl = link.undoEmail(emailUndoToken(config.SECRET, u.id, target.email, str(p.newEmail)));
      }
      const subject = tr(`mail:${subjectKey}`, { company: config.COMPANY_NAME });
      return {
        template: r.template,
        lang: r.language,
        subject,
        fromName: senderName(r.language),
        ticketId: null,
        inReplyTo: null,
        references: [],
        data: { ...data, subject, preview: subject, replyHint: 'noReplyHint' },
      };
    },
  }));
};
