import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/app/accounts/passwords.js';
import { actorOf } from '../../src/app/actor.js';
import type { AppContext } from '../../src/app/context.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import type { Actor, Role } from '../../src/domain/ticket-status.js';

export const TEST_PASSWORD = 'correct-horse-42';
let passwordHash: Promise<string> | null = null;

export interface TestUser {
  id: number;
  email: string;
  companyId: number | null;
  serviceIds: number[];
  actor: Actor;
}

/** A user (and for customers, a company with one service). Password: TEST_PASSWORD, no forced change. */
export async function makeUser(
  app: AppContext,
  role: Role,
  opts: {
    companyId?: number;
    email?: string;
    language?: string;
    manager?: boolean;
    mustChange?: boolean;
  } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const tag = randomBytes(4).toString('hex');
  let companyId = opts.companyId ?? null;
  const serviceIds: number[] = [];
  if (role === 'customer' && !companyId) {
    companyId = (
      await app
        .db('companies')
        .insert({ name: `Company ${tag}` })
        .returning('id')
    )[0].id as number;
  }
  if (companyId) {
    const rows = await app.db('services').where({ company_id: companyId }).select('id');
    if (rows.length === 0) {
      rows.push(
        (
          await app
            .db('services')
            .insert({ company_id: companyId, name: `Fibra ${tag}`, circuit_id: `FTTH-${tag}` })
            .returning('id')
        )[0],
      );
    }
    serviceIds.push(...rows.map((r: { id: number }) => r.id));
  }
  const [row] = await app
    .db('users')
    .insert({
      email: opts.email ?? `${role}-${tag}@example.test`,
      name: `${role} ${tag}`,
      role,
      company_id: companyId,
      is_company_manager: opts.manager ?? false,
      language: opts.language ?? 'es',
      password_hash: await passwordHash,
      must_change_password: opts.mustChange ?? false,
    })
    .returning('*');
  return { id: row.id, email: row.email, companyId, serviceIds, actor: actorOf(row) };
}

/** An incident opened by the given customer on their first service. */
export async function makeTicket(
  app: AppContext,
  customer: TestUser,
  title = 'No connection',
): Promise<number> {
  const { ticketId } = await openTicket(app, customer.actor, {
    draft: {
      type: 'incident',
      category: 'total_outage',
      urgency: 'high',
      serviceId: customer.serviceIds[0] ?? null,
      title,
      description: 'The line is down since this morning.',
    },
  });
  return ticketId;
}
