import Provider, { type AccountClaims } from 'oidc-provider';
import { afterAll } from 'vitest';
import { freePort } from './web.js';

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The people the provider knows, by login name; a test may add or change one at any time. */
  accounts: Map<string, Omit<AccountClaims, 'sub'>>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on a random port, closed after the file: one confidential
 * client for `redirectUri`, PKCE required, and its development interactions, which a test completes over HTTP
 * (the login form takes any password for a known login name, then the consent form).
 */
export async function startTestIdp(redirectUri: string): Promise<TestIdp> {
  const port = await freePort();
  const idp: TestIdp = {
    issuer: `http://127.0.0.1:${port}`,
    clientId: 'izardesk-test',
    clientSecret: 'izardesk-test-client-secret-0123456789',
    accounts: new Map(),
  };
  const provider = new Provider(idp.issuer, {
    clients: [
      {
        client_id: idp.clientId,
        client_secret: idp.clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'locale', 'groups'],
    },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    findAccount: (_ctx, sub) => {
      const claims = idp.accounts.get(sub);
      return claims && { accountId: sub, claims: () => ({ ...claims, sub }) };
    },
  });
  const server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return idp;
}
