import { z } from 'zod';
import { createUser } from '../../app/accounts/create-user.js';
import { createCompany, createService, updateCompany, updateService } from '../../app/agent/companies.js';
import { updateUser } from '../../app/agent/users.js';
import type { AppContext } from '../../app/context.js';
import {
  type AccountRow,
  companyDetail,
  listCompanies,
  serviceById,
  userById,
} from '../../app/queries/agent-accounts.js';
import { LANGUAGES } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import type { NetworkAttributes } from '../../domain/incident-scope.js';
import { jsonOperation, NO_INPUT, type Operation } from './operation.js';
import { companySchema, customerSchema, id, idParams, networkSchema, serviceSchema } from './schemas.js';

const bodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const line = (max: number) => z.string().max(max);

const companyBody = z.strictObject({
  name: line(200),
  code: line(60)
    .nullable()
    .optional()
    .meta({ description: 'The customer’s code in other systems (unique).' }),
  active: z.boolean().optional(),
});

const customerBody = z.strictObject({
  email: line(320),
  name: line(200),
  companyId: bodyId,
  phone: line(60).nullable().optional(),
  language: z.enum(LANGUAGES).optional(),
  isCompanyManager: z.boolean().optional().meta({ description: 'Sees every ticket of the company.' }),
  invite: z
    .boolean()
    .optional()
    .meta({ description: 'Mail the customer their credentials (otherwise they use password reset).' }),
});

const serviceBody = z.strictObject({
  ...networkSchema.shape,
  name: line(200),
  circuitId: line(120).nullable().optional(),
  address: line(500).nullable().optional(),
  active: z.boolean().optional(),
});

const companyOut = async (app: AppContext, companyId: number) =>
  (await companyDetail(app.db, companyId)).company;

/** A customer account; staff accounts are not customers (404 here). */
async function customerOut(app: AppContext, userId: number): Promise<z.input<typeof customerSchema>> {
  const u = await userById(app.db, userId);
  if (u.role !== 'customer') throw new AppError('not_found', 'agent:errors.userNotFound');
  return customerOf(u);
}

const customerOf = (u: AccountRow): z.input<typeof customerSchema> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  phone: u.phone,
  language: u.language,
  companyId: u.company_id,
  isCompanyManager: u.is_company_manager,
  active: u.active,
});

async function serviceOut(app: AppContext, serviceId: number): Promise<z.input<typeof serviceSchema>> {
  const sv = await serviceById(app.db, serviceId);
  return {
    id: sv.id,
    companyId: sv.company_id,
    name: sv.name,
    circuitId: sv.circuit_id,
    address: sv.address,
    active: sv.active,
    accessNode: sv.access_node,
    zone: sv.zone,
    exchange: sv.exchange,
    technology: sv.technology,
    postcode: sv.postcode,
  };
}

const NETWORK_KEYS = ['accessNode', 'zone', 'exchange', 'technology', 'postcode'] as const;

/**
 * Where a service runs, each attribute picked from the request or what is stored; undefined when the request
 * says nothing about the network (only admins may set it: an agent's token may still edit the rest).
 */
function networkOf(
  body: Partial<Record<keyof NetworkAttributes, string | null | undefined>>,
  stored: (k: keyof NetworkAttributes) => string | null,
): NetworkAttributes | undefined {
  if (NETWORK_KEYS.every((k) => body[k] === undefined)) return undefined;
  const pick = (k: keyof NetworkAttributes) => (body[k] === undefined ? stored(k) : (body[k] ?? null));
  return {
    accessNode: pick('accessNode'),
    zone: pick('zone'),
    exchange: pick('exchange'),
    technology: pick('technology'),
    postcode: pick('postcode'),
  };
}

export const accountOperations: Operation[] = [
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/companies',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'listCompanies',
    summary: 'List customer companies',
    description:
      'By name, a page at a time; `q` searches names, codes and the customers’ names and addresses.',
    query: z.object({
      q: z.string().max(200).optional(),
      page: z.coerce.number().int().min(1).max(10_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(100).default(50),
    }),
    status: 200,
    response: z.object({
      items: z.array(companySchema.extend({ users: z.number().int(), services: z.number().int() })),
      hasMore: z.boolean(),
    }),
    responseText: 'One page of companies.',
    handle: async ({ query, app }) => {
      const r = await listCompanies(app.db, query);
      return { items: r.rows, hasMore: r.hasMore };
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: '/companies',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'createCompany',
    summary: 'Create a customer company',
    body: companyBody,
    problems: [409],
    status: 201,
    response: companySchema,
    responseText: 'The company created.',
    handle: async ({ app, actor, body }) => companyOut(app, await createCompany(app, actor, body)),
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/companies/{id}',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'getCompany',
    summary: 'Read a company with its services and customers',
    params: idParams,
    status: 200,
    response: companySchema.extend({ services: z.array(serviceSchema), customers: z.array(customerSchema) }),
    responseText: 'The company.',
    handle: async ({ app, params }) => {
      const d = await companyDetail(app.db, params.id);
      return {
        ...d.company,
        services: await Promise.all(d.services.map((sv) => serviceOut(app, sv.id))),
        customers: d.users.filter((u) => u.role === 'customer').map(customerOf),
      };
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'patch',
    path: '/companies/{id}',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'updateCompany',
    summary: 'Update a company',
    description: 'Fields left out keep their value.',
    params: idParams,
    body: companyBody.partial(),
    problems: [409],
    status: 200,
    response: companySchema,
    responseText: 'The company as it is now.',
    handle: async ({ app, actor, params, body }) => {
      const c = await companyOut(app, params.id);
      await updateCompany(app, actor, params.id, {
        name: body.name ?? c.name,
        code: body.code === undefined ? c.code : body.code,
        active: body.active ?? c.active,
      });
      return companyOut(app, params.id);
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/customers',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'listCustomers',
    summary: 'List the customers of a company',
    query: z.object({ companyId: id }),
    status: 200,
    response: z.object({ items: z.array(customerSchema) }),
    responseText: 'The company’s customers, active first.',
    handle: async ({ app, query }) => ({
      items: (await companyDetail(app.db, query.companyId)).users
        .filter((u) => u.role === 'customer')
        .map(customerOf),
    }),
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: '/customers',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'createCustomer',
    summary: 'Create a customer account',
    description: 'In a company; with `invite`, the credentials are mailed to the customer.',
    body: customerBody,
    problems: [409],
    status: 201,
    response: customerSchema,
    responseText: 'The customer created.',
    handle: async ({ app, actor, body }) => {
      const { userId } = await createUser(app, actor, {
        email: body.email,
        name: body.name,
        role: 'customer',
        companyId: body.companyId,
        phone: body.phone ?? null,
        language: body.language,
        isCompanyManager: body.isCompanyManager,
        invite: body.invite,
      });
      return customerOut(app, userId);
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/customers/{id}',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'getCustomer',
    summary: 'Read a customer',
    params: idParams,
    status: 200,
    response: customerSchema,
    responseText: 'The customer.',
    handle: async ({ app, params }) => customerOut(app, params.id),
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'patch',
    path: '/customers/{id}',
    scope: 'admin',
    tag: 'Customers',
    operationId: 'updateCustomer',
    summary: 'Update a customer',
    description: 'Fields left out keep their value.',
    params: idParams,
    body: customerBody.omit({ invite: true }).partial(),
    problems: [409],
    status: 200,
    response: customerSchema,
    responseText: 'The customer as they are now.',
    handle: async ({ app, actor, params, body }) => {
      const c = await customerOut(app, params.id);
      await updateUser(app, actor, params.id, {
        name: body.name ?? c.name,
        email: body.email ?? c.email,
        phone: body.phone === undefined ? c.phone : body.phone,
        language: body.language ?? c.language,
        role: 'customer',
        companyId: body.companyId ?? c.companyId,
        isCompanyManager: body.isCompanyManager ?? c.isCompanyManager,
      });
      return customerOut(app, params.id);
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'post',
    path: '/companies/{id}/services',
    scope: 'admin',
    tag: 'Services',
    operationId: 'createService',
    summary: 'Add a service (connection) to a company',
    description: 'With where it runs in the network (access node, zone, exchange, technology, postcode).',
    params: idParams,
    body: serviceBody,
    status: 201,
    response: serviceSchema,
    responseText: 'The service created.',
    handle: async ({ app, actor, params, body }) => {
      const network = networkOf(body, () => null);
      const serviceId = await createService(app, actor, params.id, {
        name: body.name,
        circuitId: body.circuitId ?? null,
        address: body.address ?? null,
        active: body.active,
        network,
      });
      return serviceOut(app, serviceId);
    },
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'get',
    path: '/services/{id}',
    scope: 'admin',
    tag: 'Services',
    operationId: 'getService',
    summary: 'Read a service',
    params: idParams,
    status: 200,
    response: serviceSchema,
    responseText: 'The service.',
    handle: async ({ app, params }) => serviceOut(app, params.id),
  }),
  jsonOperation({
    ...NO_INPUT,
    method: 'patch',
    path: '/services/{id}',
    scope: 'admin',
    tag: 'Services',
    operationId: 'updateService',
    summary: 'Update a service',
    description:
      'Fields left out keep their value; a service is deactivated (`active: false`), never deleted.',
    params: idParams,
    body: serviceBody.partial(),
    status: 200,
    response: serviceSchema,
    responseText: 'The service as it is now.',
    handle: async ({ app, actor, params, body }) => {
      const sv = await serviceOut(app, params.id);
      const network = networkOf(body, (k) => sv[k]);
      await updateService(app, actor, params.id, {
        name: body.name ?? sv.name,
        circuitId: body.circuitId === undefined ? sv.circuitId : body.circuitId,
        address: body.address === undefined ? sv.address : body.address,
        active: body.active ?? sv.active,
        network,
      });
      return serviceOut(app, params.id);
    },
  }),
];
