import { z } from 'zod';
import type { MailboxInput } from '../../app/agent/mailboxes.js';
import type { MailboxView } from '../../app/queries/mailboxes.js';
import { LANGUAGES } from '../../config/config.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { singleLine } from '../../domain/single-line.js';
import { field } from '../body.js';
import type { WebContext } from '../context.js';
import { errorSummary, type FormState, selectField, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';
import { checkbox } from './fields.js';

export const MAILBOX_FIELDS = [
  'address',
  'displayName',
  ...LANGUAGES.map((l) => `displayName_${l}`),
  'imapHost',
  'imapPort',
  'imapSecure',
  'imapUser',
  'password',
  'folders',
  'defaultTeamId',
  'active',
] as const;

const name = (max: number) => singleLine.pipe(z.string().max(max, 'agent:validation.tooLong'));
const checked = z.string().transform((v) => v === '1');
/** An IMAP folder name: one line, no wildcard or control characters. */
const folder = z
  .string()
  .max(200, 'agent:validation.tooLong')
  .regex(/^[^\p{Cc}*%"\\]+$/u, 'mailboxes:validation.folderInvalid');

const formSchema = z
  .object({
    address: z.string().trim().toLowerCase().pipe(z.email('mailboxes:validation.addressInvalid')),
    displayName: name(200).pipe(z.string().min(1, 'validation.nameRequired')),
    displayName_es: name(200),
    displayName_en: name(200),
    displayName_fr: name(200),
    imapHost: z
      .string()
      .trim()
      .max(253, 'agent:validation.tooLong')
      .regex(/^[a-zA-Z0-9.:[\]-]*$/, 'mailboxes:validation.hostInvalid'),
    imapPort: z
      .string()
      .trim()
      .transform((v) => v || '993')
      .pipe(z.string().regex(/^\d{1,5}$/, 'mailboxes:validation.portInvalid'))
      .transform(Number)
      .pipe(
        z.number().min(1, 'mailboxes:validation.portInvalid').max(65535, 'mailboxes:validation.portInvalid'),
      ),
    imapSecure: checked,
    imapUser: z.string().trim().max(320, 'agent:validation.tooLong'),
    password: z.string().max(1000, 'agent:validation.tooLong'),
    folders: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      )
      .pipe(z.array(folder).max(20, 'agent:validation.tooLong')),
    defaultTeamId: z
      .string()
      .regex(/^\d{0,15}$/, 'mailboxes:validation.teamUnknown')
      .transform((v) => (v ? Number(v) : null)),
    active: checked,
  })
  .superRefine((v, ctx) => {
    if (v.imapHost && !v.imapUser)
      ctx.addIssue({ code: 'custom', path: ['imapUser'], message: 'mailboxes:validation.userRequired' });
    if (!v.imapHost && v.imapUser)
      ctx.addIssue({ code: 'custom', path: ['imapHost'], message: 'mailboxes:validation.hostRequired' });
  });

export const formValues = (ctx: WebContext): Record<string, string> =>
  Object.fromEntries(MAILBOX_FIELDS.map((n) => [n, n === 'password' ? '' : field(ctx, n)]));

/** The posted form as a use case's input, or an AppError naming each wrong field. */
export function parseMailboxForm(ctx: WebContext): MailboxInput {
  const raw = Object.fromEntries(MAILBOX_FIELDS.map((n) => [n, field(ctx, n)]));
  const r = formSchema.safeParse(raw);
  if (!r.success) {
    const fields: FieldErrors = {};
    for (const i of r.error.issues) fields[String(i.path[0])] ??= i.message;
    throw new AppError('invalid', 'validation.fixFields', { fields });
  }
  const v = r.data;
  return {
    address: v.address,
    displayName: v.displayName,
    displayNames: Object.fromEntries(
      LANGUAGES.flatMap((l) => (v[`displayName_${l}`] ? [[l, v[`displayName_${l}`]]] : [])),
    ),
    imap: v.imapHost
      ? {
          host: v.imapHost,
          port: v.imapPort,
          secure: v.imapSecure,
          user: v.imapUser,
          folders: v.folders.length ? v.folders : ['INBOX'],
        }
      : null,
    ...(v.password ? { password: v.password } : {}),
    defaultTeamId: v.defaultTeamId,
    active: v.active,
  };
}

/** The form's values for a stored mailbox (never its password). */
export const storedValues = (m: MailboxView): Record<string, string> => ({
  address: m.address,
  displayName: m.display_name,
  ...Object.fromEntries(LANGUAGES.map((l) => [`displayName_${l}`, m.display_names[l] ?? ''])),
  imapHost: m.imap_host ?? '',
  imapPort: String(m.imap_port),
  imapSecure: m.imap_secure ? '1' : '',
  imapUser: m.imap_user ?? '',
  password: '',
  folders: m.imap_folders.join(', '),
  defaultTeamId: m.default_team_id === null ? '' : String(m.default_team_id),
  active: m.active ? '1' : '',
});

export async function mailboxForm(
  ctx: WebContext,
  f: FormState,
  o: {
    action: string;
    submitLabel: string;
    teams: { id: number; name: string }[];
    /** A password is stored: leaving the field empty keeps it. */
    hasPassword: boolean;
  },
): Promise<SafeHtml> {
  const { t } = ctx.state;
  return html`<form method="post" action="${o.action}" novalidate>${await csrfField(ctx)}${errorSummary(t, f)}
<fieldset class="card"><legend>${t('mailboxes:form.identity')}</legend>
<div class="grid-2">
${textField(t, f, { name: 'address', label: t('mailboxes:form.address'), type: 'email', required: true, hint: t('mailboxes:form.addressHint') })}
${textField(t, f, { name: 'displayName', label: t('mailboxes:form.displayName'), required: true, maxlength: 200, hint: t('mailboxes:form.displayNameHint') })}
${LANGUAGES.map((l) =>
  textField(t, f, {
    name: `displayName_${l}`,
    label: t('mailboxes:form.displayNameIn', { language: t(`agent:languages.${l}`) }),
    maxlength: 200,
  }),
)}
</div>
${selectField(t, f, {
  name: 'defaultTeamId',
  label: t('mailboxes:form.defaultTeam'),
  hint: t('mailboxes:form.defaultTeamHint'),
  placeholder: t('mailboxes:form.noTeam'),
  options: o.teams.map((tm) => ({ value: String(tm.id), label: tm.name })),
})}
${checkbox(f, 'active', t('mailboxes:form.active'))}
</fieldset>
<fieldset class="card"><legend>${t('mailboxes:form.imap')}</legend>
<p class="hint">${t('mailboxes:form.imapHint')}</p>
<div class="grid-2">
${textField(t, f, { name: 'imapHost', label: t('mailboxes:form.host'), autocomplete: 'off' })}
${textField(t, f, { name: 'imapPort', label: t('mailboxes:form.port'), maxlength: 5 })}
${textField(t, f, { name: 'imapUser', label: t('mailboxes:form.user'), autocomplete: 'off' })}
${textField(t, f, {
  name: 'password',
  label: t('mailboxes:form.password'),
  type: 'password',
  autocomplete: 'new-password',
  hint: o.hasPassword ? t('mailboxes:form.passwordKept') : t('mailboxes:form.passwordHint'),
})}
${textField(t, f, { name: 'folders', label: t('mailboxes:form.folders'), hint: t('mailboxes:form.foldersHint') })}
</div>
${checkbox(f, 'imapSecure', t('mailboxes:form.secure'))}
</fieldset>
<div class="actions"><button class="button primary" type="submit">${o.submitLabel}</button></div></form>`;
}
