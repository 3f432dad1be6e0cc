import { createUser } from '../app/accounts/create-user.js';
import { actorOf } from '../app/actor.js';
import { createService } from '../app/agent/companies.js';
import { createRoutingRule } from '../app/agent/routing-rules.js';
import { createTeam, setTeamMember } from '../app/agent/teams.js';
import { addFollowup } from '../app/tickets/add-followup.js';
import { assign, resolve, setPending } from '../app/tickets/lifecycle.js';
import { openTicket } from '../app/tickets/open-ticket.js';
import type { Services } from '../runtime/services.js';

export const DEMO_PASSWORD = 'izardesk-demo-1';

export const DEMO_USERS = {
  admin: 'admin@izarlink.demo',
  agent: 'agent@izarlink.demo',
  customer: 'cliente@acme.demo',
} as const;

/**
 * Demo data for a visitor: an ISP's agent and admin in two teams (Técnico, Facturación) with rules sending
 * administrative requests to Facturación and incidents to Técnico, a customer company with two connections, a
 * few tickets.
 */
export async function seedDemo(s: Services): Promise<Record<string, string>> {
  const exists = await s.db('users').where({ email: DEMO_USERS.admin }).first('id');
  if (!exists) {
    const system = { kind: 'system' } as const;
    const app = s.app;
    const { userId: adminId } = await createUser(app, system, {
      email: DEMO_USERS.admin,
      name: 'Ana Admin',
      role: 'admin',
      password: DEMO_PASSWORD,
    });
    const { userId: agentId } = await createUser(app, system, {
      email: DEMO_USERS.agent,
      name: 'Javier Soporte',
      role: 'agent',
      password: DEMO_PASSWORD,
    });
    const { userId: customerId } = await createUser(app, system, {
      email: DEMO_USERS.customer,
      name: 'Lucía Martín',
      role: 'customer',
      companyName: 'ACME Logística S.L.',
      password: DEMO_PASSWORD,
      isCompanyManager: true,
    });
    const customer = await s.db('users').where({ id: customerId }).first();
    const agentRow = await s.db('users').where({ id: agentId }).first();
    if (!customer?.company_id || !agentRow) throw new Error('demo accounts were not created');
    const agent = actorOf(agentRow);
    const technical = await createTeam(app, system, { name: 'Técnico' });
    const billing = await createTeam(app, system, { name: 'Facturación' });
    await setTeamMember(app, system, technical, { userId: agentId, isLead: true });
    await setTeamMember(app, system, billing, { userId: adminId, isLead: true });
    await setTeamMember(app, system, billing, { userId: agentId, isLead: false });
    const rule = { active: true, urgencies: [], companies: [], services: [], receivedAt: [], agentId: null };
    await createRoutingRule(app, system, {
      ...rule,
      name: 'Peticiones administrativas a Facturación',
      types: ['request'],
      categories: ['administrative'],
      teamId: billing,
      assign: 'round_robin',
      setUrgency: null,
    });
    await createRoutingRule(app, system, {
      ...rule,
      name: 'Incidencias al Técnico',
      types: ['incident'],
      categories: [],
      teamId: technical,
      assign: 'none',
      setUrgency: null,
    });
    const fiber = await createService(app, system, customer.company_id, {
      name: 'Fibra 1 Gbps — Sede central',
      circuitId: 'FTTH-28001-0042',
      network: { zone: 'MAD-Centro', accessNode: 'OLT-MAD-01', technology: 'ftth', postcode: '28001' },
    });
    const backup = await createService(app, system, customer.company_id, {
      name: 'Radioenlace respaldo',
      circuitId: 'RL-28001-0007',
      network: { zone: 'MAD-Centro', accessNode: 'BTS-MAD-07', technology: 'radio', postcode: '28001' },
    });
    const c = actorOf(customer);
    const t1 = await openTicket(app, c, {
      draft: {
        type: 'incident',
        category: 'total_outage',
        urgency: 'high',
        serviceId: fiber,
        title: 'Sin conexión en la sede central',
        description: 'Desde las 9:00 no hay servicio. El router muestra la luz LOS en rojo.',
      },
    });
    await assign(app, agent, t1.ticketId);
    await setPending(app, agent, t1.ticketId, { body: '¿Puede confirmar si la ONT tiene alimentación?' });
    await addFollowup(app, c, { ticketId: t1.ticketId, body: 'Sí, la ONT está encendida.' });
    const t2 = await openTicket(app, c, {
      draft: {
        type: 'request',
        category: 'administrative.billing',
        serviceId: backup,
        title: 'Factura de octubre duplicada',
        description: 'Hemos recibido dos cargos por el mismo periodo.',
      },
    });
    await resolve(app, agent, t2.ticketId, {
      body: 'Hemos anulado el cargo duplicado; verá el abono en 3 días.',
    });
  }
  return { ...DEMO_USERS, password: DEMO_PASSWORD };
}
