import * as client from 'openid-client';
import type { OidcIdentity } from '../../app/accounts/oidc-sign-in.js';
import type { OidcSettings } from '../../config/config.js';
import { claimValue, staffRoleOf } from '../../domain/staff-role.js';

/** What the browser keeps between leaving for the provider and coming back (oidc-routes.ts, signed cookie). */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** Where to go after signing in (a local path, or '' for the home page). */
  next: string;
}

const configurations = new WeakMap<OidcSettings, Promise<client.Configuration>>();

/** The provider's metadata, discovered once per process (and again after a failed discovery). */
function configuration(o: OidcSettings): Promise<client.Configuration> {
  let c = configurations.get(o);
  if (!c) {
    c = client.discovery(
      new URL(o.issuer),
      o.clientId,
      o.clientSecret ?? undefined,
      o.clientSecret ? client.ClientSecretBasic(o.clientSecret) : client.None(),
      // http: only off production (config.ts refuses it there), for a provider on the same machine or in tests.
      { execute: new URL(o.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [], timeout: 10 },
    );
    configurations.set(o, c);
    c.catch(() => configurations.delete(o));
  }
  return c;
}

/** A new flow and the provider's address to send the browser to: PKCE (S256), state and nonce. */
export async function startOidcFlow(
  o: OidcSettings,
  next: string,
  language: string,
): Promise<{ flow: OidcFlow; url: URL }> {
  const config = await configuration(o);
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    next,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: o.redirectUrl,
    scope: o.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    ui_locales: language,
  });
  return { flow, url };
}

/** Whether an error of finishOidcFlow means the answer did not verify (else the provider could not be reached). */
export const isVerificationError = (err: unknown): boolean =>
  err instanceof client.ClientError ||
  err instanceof client.AuthorizationResponseError ||
  err instanceof client.ResponseBodyError ||
  err instanceof client.WWWAuthenticateChallengeError;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * The provider's answer at the callback, checked by openid-client (state, then the code redeemed with the PKCE
 * verifier, then the ID token: issuer, audience, expiry and nonce), and the person it names. The ID token's
 * claims win over the user info's, which fill in what the token leaves out (groups, address).
 */
export async function finishOidcFlow(o: OidcSettings, flow: OidcFlow, query: string): Promise<OidcIdentity> {
  const config = await configuration(o);
  const current = new URL(o.redirectUrl);
  current.search = query;
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new client.ClientError('no ID token in the token response');
  const info = config.serverMetadata().userinfo_endpoint
    ? await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)
    : {};
  const claims: Record<string, unknown> = { ...info, ...idClaims };
  const joined = [str(claims.given_name), str(claims.family_name)].filter(Boolean).join(' ');
  return {
    issuer: idClaims.iss,
    subject: idClaims.sub,
    email: str(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: str(claims.name) ?? (joined || null),
    locale: str(claims.locale),
    role: staffRoleOf(claimValue(claims, o.roleClaim), o),
  };
}
