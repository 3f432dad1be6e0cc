/**
 * The texts of each notification mail that admins may reword, per language: subject line, greeting, paragraphs,
 * button labels and footer. The layouts stay in templates/*.mjml; a text is plain text with the placeholders
 * its default uses (`{{ref}}`), escaped where the mail shows it. Keys are those of the mail namespace of
 * src/i18n, read by each mail through its own strings (a text reworded for one mail leaves the others alone).
 */
export type TextKind = 'subject' | 'greeting' | 'paragraph' | 'button' | 'footer';

/** When a mail uses a text rather than its sibling (the incident's wording, the copy to who acted...). */
export type TextVariant =
  | 'incident'
  | 'request'
  | 'otherType'
  | 'own'
  | 'private'
  | 'filesOnly'
  | 'follows'
  | 'customer'
  | 'staff'
  | 'one'
  | 'other'
  | 'withTarget'
  | 'byPerson'
  | 'assignedBy'
  | 'estimate'
  | 'withSurvey'
  | 'onTicket'
  | 'noTicket'
  | 'tooLarge'
  | 'unreadable';

export interface EditableText {
  key: string;
  kind: TextKind;
  variant?: TextVariant;
}

const text =
  (kind: TextKind) =>
  (key: string, variant?: TextVariant): EditableText =>
    variant ? { key, kind, variant } : { key, kind };
const subject = text('subject');
const paragraph = text('paragraph');
const button = text('button');
const footer = text('footer');
const hello: EditableText = { key: 'hello', kind: 'greeting' };
/** `[IZL-000123] label: title`: the label and title around the reference. */
const subjectFormat = subject('subjectFormat');

const ticketEnd = [button('viewTicket'), footer('replyHint'), footer('footer')];
/** Mails whose text a person wrote: signed "sent from the support" instead of "automatic message". */
const personalEnd = [...ticketEnd, footer('footerPerson', 'byPerson')];
const survey = [paragraph('survey.ask', 'withSurvey'), paragraph('survey.note', 'withSurvey')];
const decision = [
  paragraph('resolved.linkNote'),
  paragraph('solutionReplyRule'),
  button('resolved.approve'),
  button('resolved.refuse'),
];

export const EDITABLE_TEXTS: Readonly<Record<string, readonly EditableText[]>> = {
  'ticket-created': [
    subjectFormat,
    subject('subject.created_incident', 'incident'),
    subject('subject.created_request', 'request'),
    subject('subject.created', 'otherType'),
    hello,
    paragraph('typed.created_incident', 'incident'),
    paragraph('typed.created_request', 'request'),
    paragraph('created.intro', 'otherType'),
    paragraph('createdFollows.intro', 'follows'),
    paragraph('sla.answerBy', 'withTarget'),
    ...ticketEnd,
  ],
  'ticket-new': [
    subjectFormat,
    subject('subject.new_incident', 'incident'),
    subject('subject.new_request', 'request'),
    subject('subject.new', 'otherType'),
    hello,
    paragraph('typed.new_incident', 'incident'),
    paragraph('typed.new_request', 'request'),
    paragraph('new.intro', 'otherType'),
    ...ticketEnd,
  ],
  'ticket-followup': [
    subjectFormat,
    subject('subject.followup'),
    subject('subject.note', 'private'),
    hello,
    paragraph('followup.intro'),
    paragraph('filesIntro', 'filesOnly'),
    paragraph('own.followup', 'own'),
    paragraph('own.followupFiles', 'own'),
    paragraph('followup.privateIntro', 'private'),
    ...personalEnd,
  ],
  'ticket-pending': [
    subjectFormat,
    subject('subject.pending'),
    hello,
    paragraph('pending.intro'),
    paragraph('pending.outro'),
    ...personalEnd,
  ],
  'ticket-status': [subjectFormat, subject('subject.status'), hello, paragraph('status.intro'), ...ticketEnd],
  'ticket-assigned': [
    subjectFormat,
    subject('subject.assigned'),
    hello,
    paragraph('assigned.intro'),
    paragraph('assigned.by', 'assignedBy'),
    ...ticketEnd,
  ],
  'ticket-resolved': [
    subjectFormat,
    subject('subject.resolved'),
    hello,
    paragraph('resolved.intro'),
    paragraph('resolved.ask'),
    paragraph('resolved.autoClose_one', 'one'),
    paragraph('resolved.autoClose_other', 'other'),
    ...decision,
    button('viewTicket'),
    footer('footer'),
    footer('footerPerson', 'byPerson'),
  ],
  'ticket-approved': [
    subjectFormat,
    subject('subject.closed', 'customer'),
    subject('subject.approved', 'staff'),
    hello,
    paragraph('own.approved', 'own'),
    paragraph('approved.intro'),
    ...survey,
    ...ticketEnd,
  ],
  'ticket-refused': [
    subjectFormat,
    subject('subject.reopened', 'customer'),
    subject('subject.refused', 'staff'),
    hello,
    paragraph('own.refused', 'own'),
    paragraph('refused.intro'),
    ...ticketEnd,
  ],
  'ticket-closed': [
    subjectFormat,
    subject('subject.closed'),
    hello,
    paragraph('closed.intro'),
    paragraph('closed.outro'),
    ...survey,
    ...ticketEnd,
  ],
  'ticket-reopened': [
    subjectFormat,
    subject('subject.reopened'),
    hello,
    paragraph('reopened.intro'),
    paragraph('own.reopened', 'own'),
    ...ticketEnd,
  ],
  'ticket-merged': [subjectFormat, subject('subject.merged'), hello, paragraph('merged.intro'), ...ticketEnd],
  'ticket-awaiting-decision': [
    subjectFormat,
    subject('subject.awaitingDecision'),
    hello,
    paragraph('awaitingDecision.intro'),
    paragraph('awaitingDecision.ask'),
    ...decision,
    button('viewTicket'),
    footer('footer'),
  ],
  'ticket-created-outage': [
    subjectFormat,
    subject('subject.createdOutage'),
    hello,
    paragraph('outage.createdIntro'),
    paragraph('outage.estimate', 'estimate'),
    paragraph('outage.noNeed'),
    ...ticketEnd,
  ],
  'ticket-outage-update': [
    subjectFormat,
    subject('subject.outageUpdate'),
    hello,
    paragraph('outage.updateIntro'),
    paragraph('outage.estimate', 'estimate'),
    ...ticketEnd,
  ],
  'ticket-survey': [
    subjectFormat,
    subject('subject.survey'),
    hello,
    paragraph('survey.intro'),
    paragraph('survey.ask'),
    paragraph('survey.note'),
    button('viewTicket'),
    footer('footer'),
  ],
  // Not the label of the temporary password (invited.password): the mail gallery finds the password by it.
  'account-invited': [
    subject('invited.subject'),
    hello,
    paragraph('invited.intro'),
    paragraph('invited.login'),
    paragraph('invited.change'),
    button('invited.button'),
    footer('footer'),
  ],
  'password-reset': [
    subject('reset.subject'),
    hello,
    paragraph('reset.intro'),
    paragraph('reset.expiry'),
    button('reset.button'),
    footer('footer'),
  ],
  'email-change': [
    subject('emailChange.subject'),
    hello,
    paragraph('emailChange.intro'),
    paragraph('emailChange.expiry'),
    button('emailChange.button'),
    footer('footer'),
  ],
  'email-changed': [
    subject('emailChanged.subject'),
    hello,
    paragraph('emailChanged.intro'),
    paragraph('emailChanged.notYou'),
    paragraph('emailChanged.expiry'),
    button('emailChanged.button'),
    footer('footer'),
  ],
  // The automatic answers to mail keep the subject of the mail they answer.
  'mail-unknown-sender': [
    hello,
    paragraph('unknownSender.intro'),
    paragraph('unknownSender.next'),
    button('portal'),
    footer('footer'),
  ],
  'mail-attachment-too-big': [
    hello,
    paragraph('tooBig.intro'),
    paragraph('tooBig.keptOnTicket', 'onTicket'),
    paragraph('tooBig.kept', 'noTicket'),
    paragraph('tooBig.next'),
    button('viewTicket', 'onTicket'),
    button('portal', 'noTicket'),
    footer('footer'),
  ],
  'mail-rejected': [
    hello,
    paragraph('rejected.unreadable', 'unreadable'),
    paragraph('rejected.tooLarge', 'tooLarge'),
    paragraph('rejected.next'),
    button('portal'),
    footer('footer'),
  ],
  'mail-agent-notice': [
    hello,
    paragraph('agentNotice.intro'),
    button('viewTicket', 'onTicket'),
    button('portal', 'noTicket'),
    footer('footer'),
  ],
  'quarantine-digest': [
    subject('digest.subject'),
    hello,
    paragraph('digest.intro'),
    button('digest.button'),
    footer('footer'),
  ],
  'sla-warning': [
    subjectFormat,
    subject('sla.warningSubject'),
    hello,
    paragraph('sla.warningIntro'),
    button('viewTicket'),
    footer('footer'),
  ],
  'sla-breach': [
    subjectFormat,
    subject('sla.breachSubject'),
    hello,
    paragraph('sla.breachIntro'),
    button('viewTicket'),
    footer('footer'),
  ],
  'webhook-disabled': [
    subject('webhookDisabled.subject'),
    hello,
    paragraph('webhookDisabled.intro'),
    paragraph('webhookDisabled.effect'),
    button('webhookDisabled.button'),
    footer('footer'),
  ],
};

export const NOTIFICATIONS = Object.keys(EDITABLE_TEXTS);

export const editableText = (notification: string, key: string): EditableText | undefined =>
  EDITABLE_TEXTS[notification]?.find((t) => t.key === key);

/** `{{name}}`, spaces inside the braces allowed: how the mail strings name the values they are filled with. */
export const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The placeholder names a text uses, each once, in order. */
export const placeholdersIn = (s: string): string[] => [
  ...new Set([...s.matchAll(PLACEHOLDER)].map((m) => m[1] as string)),
];

export const TEXT_MAX_LENGTH = 2000;

/** Line breaks as typed in any browser, and no blanks around: how a text is compared and kept. */
export const normalizeText = (s: string): string => s.replace(/\r\n?/g, '\n').trim();

/** Why an admin's text cannot be kept (an i18n key, and the unknown placeholders), or null when it can. */
export type TextProblem =
  | { key: 'texts:errors.unknownPlaceholder'; names: string[] }
  | { key: 'texts:errors.empty' | 'texts:errors.tooLong' | 'texts:errors.oneLine' | 'texts:errors.braces' };

/**
 * Checks a normalized text against the placeholders its default uses (`allowed`). A name between braces that
 * is not one of them would be mailed as written, or left empty: refused with its name. So are braces that
 * do not make a placeholder, and a line break in a subject (a header has one line).
 */
export function textProblem(value: string, kind: TextKind, allowed: ReadonlySet<string>): TextProblem | null {
  if (!value) return { key: 'texts:errors.empty' };
  if (value.length > TEXT_MAX_LENGTH) return { key: 'texts:errors.tooLong' };
  const unknown = placeholdersIn(value).filter((n) => !allowed.has(n));
  if (unknown.length) return { key: 'texts:errors.unknownPlaceholder', names: unknown };
  if (/\{\{|\}\}/.test(value.replace(PLACEHOLDER, ''))) return { key: 'texts:errors.braces' };
  if (kind === 'subject' && /\n/.test(value)) return { key: 'texts:errors.oneLine' };
  return null;
}
