import type { Role } from './ticket-status.js';

export type StaffRole = Exclude<Role, 'customer'>;

/**
 * The value of a claim of the single sign-on provider's token. The name is looked up as is first (some providers
 * name claims with URLs, dots included), then as a dotted path into objects (Keycloak's `realm_access.roles`).
 */
export function claimValue(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries: [string, unknown][] = Object.entries(value);
    value = entries.find(([key]) => key === part)?.[1];
  }
  return value;
}

/**
 * The staff role a claim grants: admin when one of its values is an admin value, else agent when one is an agent
 * value, else none. The claim may be one string or a list of them (groups, roles); values compare exactly.
 */
export function staffRoleOf(
  claim: unknown,
  mapping: { agentValues: readonly string[]; adminValues: readonly string[] },
): StaffRole | null {
  const values = (Array.isArray(claim) ? claim : [claim]).filter((v): v is string => typeof v === 'string');
  if (values.some((v) => mapping.adminValues.includes(v))) return 'admin';
  if (values.some((v) => mapping.agentValues.includes(v))) return 'agent';
  return null;
}
