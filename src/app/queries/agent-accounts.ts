import type { Db } from '../../db/db.js';
import type { ServiceRow, UserRow } from '../../db/tables.js';
import { AppError } from '../../domain/errors.js';

export interface CompanyListRow {
  id: number;
  name: string;
  code: string | null;
  active: boolean;
  users: number;
  services: number;
}

/** Customer companies by name, searchable (accents ignored), a page at a time. */
export async function listCompanies(
  db: Db,
  opts: { q?: string; page: number; pageSize: number },
): Promise<{ rows: CompanyListRow[]; hasMore: boolean }> {
  const size = Math.min(Math.max(opts.pageSize, 1), 100);
  const query = db('companies as c')
    .select(
      'c.id',
      'c.name',
      'c.code',
      'c.active',
      db.raw('(select count(*) from users u where u.company_id = c.id)::int as users'),
      db.raw('(select count(*) from services s where s.company_id = c.id)::int as services'),
    )
    .orderBy([{ column: 'c.name' }, { column: 'c.id' }])
    .limit(size + 1)
    .offset(Math.max(opts.page - 1, 0) * size);
  const q = opts.q?.trim();
  if (q) {
    query.where((w) =>
      w
        .whereRaw('izd_tsv(c.name) @@ izd_tsq(?)', [q])
        .orWhere('c.code', q)
        .orWhereExists(
          db('users as u')
            .whereRaw('u.company_id = c.id')
            .andWhere((u) =>
              u.whereRaw('izd_tsv(u.name) @@ izd_tsq(?)', [q]).orWhereRaw('lower(u.email) = lower(?)', [q]),
            ),
        ),
    );
  }
  const rows: CompanyListRow[] = await query;
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'phone',
  'role',
  'language',
  'active',
  'is_company_manager',
  'company_id',
  'must_change_password',
  'last_login_at',
  'bounced_at',
  'bounce_reason',
] as const;

/** A staff or customer account as the admin pages show it. */
export type AccountRow = Pick<UserRow, (typeof USER_COLUMNS)[number]>;

export interface CompanyDetail {
  company: { id: number; name: string; code: string | null; active: boolean };
  services: {
    id: number;
    name: string;
    circuit_id: string | null;
    address: string | null;
    zone: string | null;
    technology: string | null;
    active: boolean;
  }[];
  users: (AccountRow & { tickets: number })[];
}

export async function companyDetail(db: Db, companyId: number): Promise<CompanyDetail> {
  const company = await db('companies').where({ id: companyId }).first('id', 'name', 'code', 'active');
  if (!company) throw new AppError('not_found', 'agent:errors.companyNotFound');
  const [services, users] = await Promise.all([
    db('services')
      .where({ company_id: companyId })
      .orderBy([{ column: 'active', order: 'desc' }, { column: 'name' }])
      .select('id', 'name', 'circuit_id', 'address', 'zone', 'technology', 'active'),
    db('users as u')
      .where({ company_id: companyId })
      .orderBy([{ column: 'active', order: 'desc' }, { column: 'name' }])
      .select(
        ...USER_COLUMNS.map((c) => `u.${c}`),
        db.raw('(select count(*) from tickets t where t.requester_id = u.id)::int as tickets'),
      ),
  ]);
  return { company, services, users };
}

/** The support team (agents and admins), active first. */
export const listStaff = (db: Db): Promise<AccountRow[]> =>
  db('users')
    .whereIn('role', ['agent', 'admin'])
    .orderBy([{ column: 'active', order: 'desc' }, { column: 'name' }])
    .select(USER_COLUMNS);

export async function userById(db: Db, userId: number): Promise<AccountRow> {
  const u = await db('users')
    .where({ id: userId })
    .first(...USER_COLUMNS);
  if (!u) throw new AppError('not_found', 'agent:errors.userNotFound');
  return u;
}

/** A customer's service as its page shows it. */
export async function serviceById(
  db: Db,
  serviceId: number,
): Promise<
  Pick<
    ServiceRow,
    | 'id'
    | 'company_id'
    | 'name'
    | 'circuit_id'
    | 'address'
    | 'active'
    | 'access_node'
    | 'zone'
    | 'exchange'
    | 'technology'
    | 'postcode'
  >
> {
  const sv = await db('services')
    .where({ id: serviceId })
    .first(
      'id',
      'company_id',
      'name',
      'circuit_id',
      'address',
      'active',
      'access_node',
      'zone',
      'exchange',
      'technology',
      'postcode',
    );
  if (!sv) throw new AppError('not_found', 'agent:errors.serviceNotFound');
  return sv;
}

/** Above this many customers the queue offers no customer list (search by name, or follow a customer's link). */
export const CUSTOMER_LIST_MAX = 200;

/** Options for the queue's filter lists (companies empty when there are too many for a list). */
export async function queueFilterOptions(db: Db): Promise<{
  agents: { id: number; name: string }[];
  companies: { id: number; name: string }[];
}> {
  const [agents, companies] = await Promise.all([
    db('users')
      .whereIn('role', ['agent', 'admin'])
      .where({ active: true })
      .orderBy('name')
      .select('id', 'name'),
    db('companies')
      .where({ active: true })
      .orderBy('name')
      .limit(CUSTOMER_LIST_MAX + 1)
      .select('id', 'name'),
  ]);
  return { agents, companies: companies.length > CUSTOMER_LIST_MAX ? [] : companies };
}
