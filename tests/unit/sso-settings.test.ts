import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { claimValue, staffRoleOf } from '../../src/domain/staff-role.js';

const mapping = { agentValues: ['helpdesk'], adminValues: ['helpdesk-admins'] };

describe('the staff role a provider claim grants', () => {
  it('reads one value or a list; an admin value wins; anything else grants nothing', () => {
    expect(staffRoleOf('helpdesk', mapping)).toBe('agent');
    expect(staffRoleOf(['sales', 'helpdesk', 'helpdesk-admins'], mapping)).toBe('admin');
    expect(staffRoleOf(['sales', 'Helpdesk'], mapping)).toBeNull();
    expect(staffRoleOf(undefined, mapping)).toBeNull();
    expect(staffRoleOf({ helpdesk: true }, mapping)).toBeNull();
  });

  it('finds a claim by its exact name first, then by a dotted path into objects', () => {
    const claims = {
      'https://izarlink.es/roles': ['helpdesk'],
      realm_access: { roles: ['helpdesk-admins'] },
    };
    expect(claimValue(claims, 'https://izarlink.es/roles')).toEqual(['helpdesk']);
    expect(claimValue(claims, 'realm_access.roles')).toEqual(['helpdesk-admins']);
    expect(claimValue(claims, 'realm_access.roles.0')).toBeUndefined();
    expect(claimValue(claims, 'toString')).toBeUndefined();
  });
});

describe('single sign-on settings', () => {
  const sso = {
    OIDC_ISSUER: 'https://id.izarlink.es/realms/staff',
    OIDC_CLIENT_ID: 'izardesk',
    OIDC_AGENT_VALUES: 'helpdesk',
  };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it('are off when unset, with staff passwords on', () => {
    const c = loadConfig({});
    expect(c.oidc).toBeNull();
    expect(c.STAFF_PASSWORD_LOGIN).toBe(true);
  });

  it('derive the callback from PUBLIC_URL and the label from the issuer', () => {
    const c = loadConfig({ ...sso, PUBLIC_URL: 'https://soporte.izarlink.es', OIDC_ADMIN_VALUES: 'a, b,' });
    expect(c.oidc).toMatchObject({
      redirectUrl: 'https://soporte.izarlink.es/auth/oidc/callback',
      label: 'id.izarlink.es',
      scopes: 'openid email profile',
      roleClaim: 'groups',
      agentValues: ['helpdesk'],
      adminValues: ['a', 'b'],
      clientSecret: null,
    });
  });

  it('refuse half a configuration, and staff passwords off without a provider', () => {
    expect(problem({ OIDC_ISSUER: sso.OIDC_ISSUER })).toContain('OIDC_CLIENT_ID: required');
    expect(problem({ OIDC_CLIENT_ID: 'x' })).toContain('OIDC_ISSUER: required');
    expect(problem({ ...sso, OIDC_AGENT_VALUES: '' })).toContain('OIDC_AGENT_VALUES: or OIDC_ADMIN_VALUES');
    expect(problem({ ...sso, OIDC_SCOPES: 'email profile' })).toContain('OIDC_SCOPES');
    expect(problem({ STAFF_PASSWORD_LOGIN: 'off' })).toContain('STAFF_PASSWORD_LOGIN: off needs OIDC_ISSUER');
    expect(
      problem({ ...sso, OIDC_ISSUER: 'http://id.local', NODE_ENV: 'production', SECRET: 's'.repeat(32) }),
    ).toContain('OIDC_ISSUER: must start with https:');
    expect(loadConfig({ ...sso, STAFF_PASSWORD_LOGIN: 'off' }).STAFF_PASSWORD_LOGIN).toBe(false);
  });
});
