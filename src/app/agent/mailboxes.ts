import type { Lang } from '../../config/config.js';
import type { Tx } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { seal } from '../../infra/secret-box.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { requireAdmin } from './guards.js';

/** A mailbox as the admin form gives it, already validated field by field (web/agent/mailbox-form.ts). */
export interface MailboxInput {
  /** The support address, lower case. */
  address: string;
  displayName: string;
  displayNames: Partial<Record<Lang, string>>;
  /** Its own IMAP account; null: its mail arrives through another watched account (an alias). */
  imap: { host: string; port: number; secure: boolean; user: string; folders: string[] } | null;
  /** A new IMAP password; undefined keeps the stored one (the form never shows it back). */
  password?: string;
  defaultTeamId: number | null;
  active: boolean;
}

export interface MailboxOptions {
  /** Seals the IMAP password. */
  secret: string;
  /** SUPPORT_ADDRESS: the environment's mailbox, never a row. */
  envAddress: string;
}

const taken = () =>
  new AppError('conflict', 'mailboxes:validation.addressTaken', {
    fields: { address: 'mailboxes:validation.addressTaken' },
  });

/** The checks that need the database: the address is free, the team exists. */
async function checkRow(trx: Tx, input: MailboxInput, o: MailboxOptions, id: number | null): Promise<void> {
  if (input.address === o.envAddress.toLowerCase()) throw taken();
  const same = trx('mailboxes').whereRaw('lower(address) = ?', [input.address]);
  if (id !== null) same.whereNot({ id });
  if (await same.first('id')) throw taken();
  if (input.defaultTeamId !== null && !(await trx('teams').where({ id: input.defaultTeamId }).first('id')))
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { defaultTeamId: 'mailboxes:validation.teamUnknown' },
    });
}

const columns = (input: MailboxInput) => ({
  address: input.address,
  display_name: input.displayName,
  display_names: JSON.stringify(input.displayNames),
  imap_host: input.imap?.host ?? null,
  imap_port: input.imap?.port ?? 993,
  imap_secure: input.imap?.secure ?? true,
  imap_user: input.imap?.user ?? null,
  imap_folders: input.imap?.folders ?? ['INBOX'],
  default_team_id: input.defaultTeamId,
  active: input.active,
});

/** Adds a mailbox; the ingest starts watching it within MAILBOX_REFRESH_SECONDS. */
export async function createMailbox(
  ctx: AppContext,
  actor: Actor,
  input: MailboxInput,
  o: MailboxOptions,
): Promise<number> {
  requireAdmin(actor);
  if (input.imap && !input.password)
    throw new AppError('invalid', 'validation.fixFields', {
      fields: { password: 'mailboxes:validation.passwordRequired' },
    });
  return ctx.db.transaction(async (trx) => {
    await checkRow(trx, input, o, null);
    const [row] = await trx('mailboxes')
      .insert({
        ...columns(input),
        imap_password: input.imap && input.password ? seal(o.secret, input.password) : null,
      })
      .returning('id');
    await recordAudit(trx, {
      actor,
      action: 'mailbox.create',
      target: { type: 'mailbox', id: row.id },
      details: { address: input.address, active: input.active },
    });
    return row.id as number;
  });
}

/**
 * Changes a mailbox (deactivating it is a change: its watchers stop, and its tickets' mails go out from
 * SUPPORT_ADDRESS again). The stored password is kept unless a new one is given; it goes with the IMAP account.
 */
export async function updateMailbox(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: MailboxInput,
  o: MailboxOptions,
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    const row = await trx('mailboxes').where({ id }).forUpdate().first('id', 'imap_password');
    if (!row) throw new AppError('not_found', 'mailboxes:errors.notFound');
    await checkRow(trx, input, o, id);
    const password = !input.imap ? null : input.password ? seal(o.secret, input.password) : row.imap_password;
    if (input.imap && !password)
      throw new AppError('invalid', 'validation.fixFields', {
        fields: { password: 'mailboxes:validation.passwordRequired' },
      });
    await trx('mailboxes')
      .where({ id })
      .update({ ...columns(input), imap_password: password, updated_at: new Date() });
    // Whether the password changed, never the password.
    await recordAudit(trx, {
      actor,
      action: 'mailbox.update',
      target: { type: 'mailbox', id },
      details: {
        address: input.address,
        active: input.active,
        passwordChanged: password !== row.imap_password,
      },
    });
  });
}
