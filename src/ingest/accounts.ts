import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import type { MailboxRow } from '../db/tables.js';
import { unseal } from '../infra/secret-box.js';

/** An IMAP account the ingest watches, and the support address its mail is for. */
export interface ImapAccount {
  /** Names the account's folders in checkpoints, records and metrics (see folderKey). */
  id: number | null;
  address: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folders: string[];
}

/**
 * The key of a watched folder in `ingest_checkpoints`, `inbound_mails.mailbox` and the metrics: the bare folder
 * for the environment's account (as before there were several, so its checkpoint and records stay valid), and
 * `mailbox-<id>:<folder>` for a mailbox of the table (two accounts may both have an INBOX).
 */
export const folderKey = (account: Pick<ImapAccount, 'id'>, folder: string): string =>
  account.id === null ? folder : `mailbox-${account.id}:${folder}`;

/** The account of IMAP_HOST/IMAP_USER/IMAP_PASSWORD, for SUPPORT_ADDRESS; null when not configured. */
export function envAccount(c: Config): ImapAccount | null {
  if (!c.imapEnabled || !c.IMAP_HOST || !c.IMAP_USER) return null;
  return {
    id: null,
    address: c.SUPPORT_ADDRESS.toLowerCase(),
    host: c.IMAP_HOST,
    port: c.IMAP_PORT,
    secure: c.IMAP_SECURE,
    user: c.IMAP_USER,
    password: c.IMAP_PASSWORD ?? '',
    folders: c.IMAP_MAILBOXES,
  };
}

export type MailboxAccountRow = Pick<
  MailboxRow,
  | 'id'
  | 'address'
  | 'imap_host'
  | 'imap_port'
  | 'imap_secure'
  | 'imap_user'
  | 'imap_password'
  | 'imap_folders'
  | 'updated_at'
>;

/** The active mailboxes of the table with an IMAP account of their own (the others receive through another). */
export const mailboxAccountRows = (db: Db): Promise<MailboxAccountRow[]> =>
  db('mailboxes')
    .where({ active: true })
    .whereNotNull('imap_host')
    .whereNotNull('imap_user')
    .orderBy('id')
    .select(
      'id',
      'address',
      'imap_host',
      'imap_port',
      'imap_secure',
      'imap_user',
      'imap_password',
      'imap_folders',
      'updated_at',
    );

/** The account of a mailbox row; throws when its password cannot be opened (SECRET changed). */
export const rowAccount = (secret: string, r: MailboxAccountRow): ImapAccount => ({
  id: r.id,
  address: r.address.toLowerCase(),
  host: r.imap_host ?? '',
  port: r.imap_port,
  secure: r.imap_secure,
  user: r.imap_user ?? '',
  password: r.imap_password ? unseal(secret, r.imap_password) : '',
  folders: r.imap_folders.length ? r.imap_folders : ['INBOX'],
});
