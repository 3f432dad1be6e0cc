import { createUser } from '../../src/app/accounts/create-user.js';
import { actorOf } from '../../src/app/actor.js';
import type { AppContext } from '../../src/app/context.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { approveSolution, assign, resolve, setPending } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import type { Actor } from '../../src/domain/ticket-status.js';
import { must } from '../../tests/helpers/must.js';

/**
 * The HTTP-free driver: the same use cases the web routes call, for the operations whose page does not
 * exist in this build. The report says which operations went through it.
 */
export interface SoakUser {
  id: number;
  email: string;
  actor: Actor;
  serviceId: number | null;
}

export const SOAK_PASSWORD = 'soak-password-42';

export async function makeSoakUser(
  app: AppContext,
  role: 'customer' | 'agent',
  n: number,
  run: string,
): Promise<SoakUser> {
  const email = `${role}${n}.${run}@soak.test`;
  const { userId } = await createUser(
    app,
    { kind: 'system' },
    {
      email,
      name: `${role === 'agent' ? 'Agent' : 'Customer'} ${n}`,
      role,
      companyName: role === 'customer' ? `Soak Company ${n} ${run}` : null,
      password: SOAK_PASSWORD,
      language: ['es', 'en', 'fr'][n % 3],
    },
  );
  const row = must(await app.db('users').where({ id: userId }).first());
  let serviceId: number | null = null;
  if (row.company_id) {
    // Connections are provisioned by agents in the product; the soak sets them up directly.
    const [svc] = await app
      .db('services')
      .insert({ company_id: row!.company_id, name: `Fibra ${n}`, circuit_id: `SOAK-${run}-${n}` })
      .returning('id');
    serviceId = svc.id;
  }
  return { id: userId, email, actor: actorOf(row), serviceId };
}

export const driver = {
  open: async (app: AppContext, u: SoakUser, title: string) =>
    (
      await openTicket(app, u.actor, {
        draft: {
          type: 'incident',
          category: 'slowness',
          urgency: 'medium',
          serviceId: u.serviceId,
          title,
          description: `${title}: speed drops every evening.`,
        },
      })
    ).ticketId,
  followup: (app: AppContext, u: SoakUser, ticketId: number, body: string) =>
    addFollowup(app, u.actor, { ticketId, body }),
  assign: (app: AppContext, agent: SoakUser, ticketId: number) => assign(app, agent.actor, ticketId),
  ask: (app: AppContext, agent: SoakUser, ticketId: number, body: string) =>
    setPending(app, agent.actor, ticketId, { body }),
  resolve: (app: AppContext, agent: SoakUser, ticketId: number, body: string) =>
    resolve(app, agent.actor, ticketId, { body }),
  approve: (app: AppContext, u: SoakUser, ticketId: number) => approveSolution(app, u.actor, ticketId),
};
