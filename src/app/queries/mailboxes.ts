import type { Db } from '../../db/db.js';
import type { MailboxRow } from '../../db/tables.js';

/** A mailbox as the admin pages show it: never its password, only whether one is stored. */
export type MailboxView = Omit<MailboxRow, 'imap_password'> & {
  has_password: boolean;
  team_name: string | null;
};

const query = (db: Db) =>
  db('mailboxes as m')
    .leftJoin('teams as t', 't.id', 'm.default_team_id')
    .select(
      'm.id',
      'm.address',
      'm.display_name',
      'm.display_names',
      'm.imap_host',
      'm.imap_port',
      'm.imap_secure',
      'm.imap_user',
      'm.imap_folders',
      'm.default_team_id',
      'm.active',
      'm.created_at',
      'm.updated_at',
      't.name as team_name',
      db.raw('m.imap_password is not null as has_password'),
    );

export const listMailboxes = (db: Db): Promise<MailboxView[]> =>
  query(db).orderBy([{ column: 'm.active', order: 'desc' }, 'm.address']);

export const mailboxById = (db: Db, id: number): Promise<MailboxView | undefined> =>
  query(db).where('m.id', id).first();

/** The sealed password of a mailbox, for the connection test (opened by the caller with SECRET). */
export const mailboxSecret = async (db: Db, id: number): Promise<string | null> =>
  (await db('mailboxes').where({ id }).first('imap_password'))?.imap_password ?? null;

/** The teams a mailbox may route to (active ones, and the one it has). */
export const teamChoices = (db: Db, current: number | null): Promise<{ id: number; name: string }[]> =>
  db('teams')
    .where({ active: true })
    .orWhere({ id: current ?? 0 })
    .orderBy('name')
    .select('id', 'name');
