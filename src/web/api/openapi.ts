import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { API_BASE } from './context.js';
import type { Operation } from './operation.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The OpenAPI 3.1 document of the operations, generated from the very schemas that check their input. The shared
 * schemas are components, referenced by name (schemas.ts names them).
 */
export function openApiDocument(operations: readonly Operation[], publicUrl: string): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token made by an admin at /agent/admin/api-tokens.',
  });
  for (const op of operations) op.register(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Izardesk API',
      version: '1',
      description: `Tickets, customers and services over JSON. Reference: ${publicUrl}${API_BASE}/docs.`,
    },
    servers: [{ url: `${publicUrl}${API_BASE}` }],
    security: [{ bearer: [] }],
  });
}
