import { LANGUAGES } from '../../config/config.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor, Role } from '../../domain/ticket-status.js';
import { createUser } from '../accounts/create-user.js';
import type { AppContext } from '../context.js';
import { createCompany, createService, updateServiceNetwork } from './companies.js';
import { type CsvRecord, parseCsv } from './csv.js';
import { requireAdmin } from './guards.js';

export const IMPORT_KINDS = ['customers', 'services', 'users'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Columns per kind; the first ones listed are required. Header names are matched case-insensitively. */
export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  customers: { required: ['name'], optional: ['code'] },
  services: {
    required: ['company', 'name'],
    optional: ['circuit_id', 'address', 'access_node', 'zone', 'exchange', 'technology', 'postcode'],
  },
  users: {
    required: ['email', 'name', 'company'],
    optional: ['role', 'phone', 'language', 'manager', 'invite'],
  },
};

export interface RejectedLine {
  line: number;
  /** i18n key of the reason, and the field it concerns when there is one. */
  reason: string;
  field: string | null;
  text: string;
}

export interface ImportReport {
  kind: ImportKind;
  total: number;
  imported: number;
  rejected: RejectedLine[];
}

const yes = (v: string | undefined) => /^(1|y|yes|s|si|sí|o|oui|true|x)$/i.test((v ?? '').trim());

/**
 * Imports customers, their services or their users from CSV, one line at a time through the same use cases
 * as the forms (so the same rules apply). A bad line is reported with its number and reason and never stops
 * the others; importing the same file twice creates nothing twice.
 */
export async function importCsv(
  ctx: AppContext,
  actor: Actor,
  kind: ImportKind,
  text: string,
  onProgress: (done: number, total: number) => void | Promise<void> = () => {},
): Promise<ImportReport> {
  requireAdmin(actor);
  const records = parseCsv(text);
  const header = records.shift();
  if (!header)
    throw new AppError('invalid', 'agent:import.empty', { fields: { file: 'agent:import.empty' } });
  const names = header.fields.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const missing = IMPORT_COLUMNS[kind].required.filter((c) => !names.includes(c));
  if (missing.length)
    throw new AppError('invalid', 'agent:import.missingColumns', {
      fields: { file: 'agent:import.missingColumns' },
      params: { columns: missing.join(', ') },
    });
  const report: ImportReport = { kind, total: records.length, imported: 0, rejected: [] };
  const get = (r: CsvRecord, col: string) => (r.fields[names.indexOf(col)] ?? '').trim();
  let done = 0;
  for (const r of records) {
    try {
      if (kind === 'customers') await importCompany(ctx, actor, get(r, 'name'), get(r, 'code'));
      else if (kind === 'services') await importService(ctx, actor, r, get);
      else await importUser(ctx, actor, r, get);
      report.imported++;
    } catch (err) {
      if (!isAppError(err)) throw err;
      const [field, reason] = Object.entries(err.fields)[0] ?? [null, err.messageKey];
      report.rejected.push({ line: r.line, reason, field, text: r.fields.join(', ').slice(0, 300) });
    }
    done++;
    if (done % 25 === 0 || done === records.length) await onProgress(done, records.length);
  }
  return report;
}

async function importCompany(ctx: AppContext, actor: Actor, name: string, code: string): Promise<void> {
  if (name && (await ctx.db('companies').whereRaw('lower(name) = lower(?)', [name]).first('id')))
    throw new AppError('conflict', 'agent:import.companyExists', {
      fields: { name: 'agent:import.companyExists' },
    });
  await createCompany(ctx, actor, { name, code });
}

/** A company named in a line: by its code, else by its exact name. */
async function findCompany(ctx: AppContext, ref: string): Promise<number> {
  const c =
    (ref && (await ctx.db('companies').where({ code: ref }).first('id'))) ||
    (ref && (await ctx.db('companies').whereRaw('lower(name) = lower(?)', [ref]).first('id')));
  if (!c)
    throw new AppError('invalid', 'agent:import.unknownCompany', {
      fields: { company: 'agent:import.unknownCompany' },
    });
  return c.id as number;
}

type Getter = (r: CsvRecord, col: string) => string;

async function importService(ctx: AppContext, actor: Actor, r: CsvRecord, get: Getter): Promise<void> {
  const companyId = await findCompany(ctx, get(r, 'company'));
  const circuit = get(r, 'circuit_id');
  const dup = ctx.db('services').where({ company_id: companyId });
  if (circuit) dup.where({ circuit_id: circuit });
  else dup.whereRaw('lower(name) = lower(?)', [get(r, 'name')]);
  const network = {
    accessNode: get(r, 'access_node'),
    zone: get(r, 'zone'),
    exchange: get(r, 'exchange'),
    technology: get(r, 'technology'),
    postcode: get(r, 'postcode'),
  };
  const existing = await dup.first('id');
  // A known service with network columns: the file says where it runs (how an inventory is loaded).
  if (existing && Object.values(network).some(Boolean))
    return updateServiceNetwork(ctx, actor, existing.id, network);
  if (existing)
    throw new AppError('conflict', 'agent:import.serviceExists', {
      fields: { name: 'agent:import.serviceExists' },
    });
  await createService(ctx, actor, companyId, {
    name: get(r, 'name'),
    circuitId: circuit,
    address: get(r, 'address'),
    network,
  });
}

const ROLES: readonly string[] = ['customer', 'agent', 'admin'];

async function importUser(ctx: AppContext, actor: Actor, r: CsvRecord, get: Getter): Promise<void> {
  const role = (get(r, 'role') || 'customer').toLowerCase();
  if (!ROLES.includes(role))
    throw new AppError('invalid', 'agent:import.roleInvalid', {
      fields: { role: 'agent:import.roleInvalid' },
    });
  const companyId = role === 'customer' ? await findCompany(ctx, get(r, 'company')) : null;
  const language = (get(r, 'language') || 'es').toLowerCase();
  if (!(LANGUAGES as readonly string[]).includes(language))
    throw new AppError('invalid', 'agent:validation.languageInvalid', {
      fields: { language: 'agent:validation.languageInvalid' },
    });
  await createUser(ctx, actor, {
    email: get(r, 'email'),
    name: get(r, 'name'),
    role: role as Role,
    companyId,
    phone: get(r, 'phone') || null,
    language,
    isCompanyManager: yes(get(r, 'manager')),
    invite: get(r, 'invite') === '' ? true : yes(get(r, 'invite')),
  });
}
