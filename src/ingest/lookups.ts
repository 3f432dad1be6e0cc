import type { Tx } from '../db/db.js';
import type { ServiceRow, UserRow } from '../db/tables.js';

export const USER_COLS = ['id', 'role', 'company_id', 'is_company_manager', 'language', 'email'] as const;
const SERVICE_COLS = ['id', 'circuit_id', 'name'] as const;

/** What the decisions need of a sender's account. */
export type Sender = Pick<UserRow, (typeof USER_COLS)[number]>;
/** What they need of a sender's services (to guess the one a mail is about). */
export type SenderService = Pick<ServiceRow, (typeof SERVICE_COLS)[number]>;
export const HOUR = 3600_000;

/** What the decision reads of a sender on every message: its account, its new tickets of the hour, its services. */
export interface SenderLookups {
  user(address: string): Promise<Sender | undefined>;
  ticketsOpenedLastHour(address: string): Promise<number>;
  services(companyId: number): Promise<SenderService[]>;
  /** The addresses (lower case) of the active mailboxes of the table; SUPPORT_ADDRESS is not among them. */
  mailboxAddresses(): Promise<string[]>;
}

async function mailboxAddresses(trx: Tx): Promise<string[]> {
  const rows: { address: string }[] = await trx('mailboxes')
    .where({ active: true })
    .select(trx.raw('lower(address) as address'));
  return rows.map((r) => r.address);
}

const inboundMails = (trx: Tx) => trx('inbound_mails');

export async function recentCount(
  trx: Tx,
  address: string,
  since: Date,
  where: (q: ReturnType<typeof inboundMails>) => void,
): Promise<number> {
  const q = inboundMails(trx).whereRaw('lower(from_address) = ?', [address]).where('created_at', '>', since);
  where(q);
  const row = await q.count<{ count: number }[]>('id as count').first();
  return Number(row?.count ?? 0);
}

/** One query per question, at the time it is asked. */
export const directLookups = (trx: Tx): SenderLookups => ({
  user: (address) =>
    trx('users').whereRaw('lower(email) = ?', [address]).where({ active: true }).first(USER_COLS),
  ticketsOpenedLastHour: (address) =>
    recentCount(trx, address, new Date(Date.now() - HOUR), (q) => {
      q.where({ outcome: 'new_ticket' });
    }),
  services: (companyId) =>
    trx('services').where({ company_id: companyId, active: true }).select(SERVICE_COLS),
  mailboxAddresses: () => mailboxAddresses(trx),
});

/**
 * The answers for a set of senders read with one query each (a round of the group commit, where each sender has
 * one message); a question about anyone else goes to the database.
 */
export async function preloadedLookups(trx: Tx, addresses: readonly string[]): Promise<SenderLookups> {
  const direct = directLookups(trx);
  const known = new Set(addresses);
  const wanted = [...known];
  if (!wanted.length) return direct;
  const users: Sender[] = await trx('users')
    .whereRaw('lower(email) = any(?)', [wanted])
    .where({ active: true })
    .select(USER_COLS);
  const byAddress = new Map<string, Sender>();
  for (const u of users) if (!byAddress.has(u.email.toLowerCase())) byAddress.set(u.email.toLowerCase(), u);
  const counts: { address: string; n: number }[] = await trx('inbound_mails')
    .whereRaw('lower(from_address) = any(?)', [wanted])
    .where('created_at', '>', new Date(Date.now() - HOUR))
    .where({ outcome: 'new_ticket' })
    .groupByRaw('lower(from_address)')
    .select(trx.raw('lower(from_address) as address'), trx.raw('count(*)::int as n'));
  const opened = new Map(counts.map((c) => [c.address, c.n]));
  const companies = [...new Set(users.map((u) => u.company_id).filter((c): c is number => c !== null))];
  const rows: (SenderService & { company_id: number })[] = companies.length
    ? await trx('services')
        .whereIn('company_id', companies)
        .where({ active: true })
        .select([...SERVICE_COLS, 'company_id'])
    : [];
  const services = new Map<number, SenderService[]>(companies.map((c) => [c, []]));
  for (const { company_id, ...s } of rows) services.get(company_id)?.push(s);
  const ours = await mailboxAddresses(trx);
  return {
    mailboxAddresses: async () => ours,
    user: async (address) => (known.has(address) ? byAddress.get(address) : direct.user(address)),
    ticketsOpenedLastHour: async (address) =>
      known.has(address) ? (opened.get(address) ?? 0) : direct.ticketsOpenedLastHour(address),
    services: async (companyId) => services.get(companyId) ?? direct.services(companyId),
  };
}
