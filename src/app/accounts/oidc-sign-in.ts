import { z } from 'zod';
import { LANGUAGES } from '../../config/config.js';
import type { Tx } from '../../db/db.js';
import { oneLine } from '../../domain/single-line.js';
import type { StaffRole } from '../../domain/staff-role.js';
import type { Role } from '../../domain/ticket-status.js';
import type { AppContext } from '../context.js';

/** What the provider's verified token (and user info) says about the person. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** The provider vouches for the address (`email_verified: true`). */
  emailVerified: boolean;
  name: string | null;
  /** The `locale` claim (es-ES, en...), for an account created here. */
  locale: string | null;
  /** The role its claim grants (staff-role.ts); null: none. */
  role: StaffRole | null;
}

export type OidcRefusal =
  /** The claim grants no staff role. */
  | 'no_staff_role'
  /** The address is a customer's: customers never sign in through the provider. */
  | 'customer_account'
  | 'inactive'
  /** No address to create the account with. */
  | 'no_email'
  /** An account has the address but cannot be linked: the address is not verified, or it is linked to another identity. */
  | 'not_linkable';

export type OidcSignIn =
  | {
      ok: true;
      userId: number;
      role: StaffRole;
      via: 'subject' | 'email' | 'created';
      previousRole: Role | null;
    }
  /** language: the account's, when the person has one, for the page that says no. */
  | { ok: false; reason: OidcRefusal; language: string | null };

const emailSchema = z.string().trim().toLowerCase().email();
const IDENTITY_UNIQUE = 'users_oidc_identity';
const EMAIL_UNIQUE = 'users_email_unique';

const languageOf = (locale: string | null, fallback: string): string =>
  LANGUAGES.find((l) => l === locale?.slice(0, 2).toLowerCase()) ?? fallback;

/**
 * Signs a staff member in with the single sign-on provider's identity, in one transaction: finds the account by
 * its stored identity, else by a verified address (and links it), else creates it when the claim grants a staff
 * role; the role follows the claim at every sign-in. A customer account is never signed in this way.
 */
export async function signInWithOidc(
  ctx: AppContext,
  identity: OidcIdentity,
  defaultLanguage: string,
): Promise<OidcSignIn> {
  const email = emailSchema.safeParse(identity.email ?? '');
  const address = email.success ? email.data : null;
  try {
    return await ctx.db.transaction((trx) => signIn(trx, identity, address, defaultLanguage));
  } catch (err) {
    const constraint = (err as { constraint?: string }).constraint;
    // Two first sign-ins of one person at once: the other one created the account; this one finds it.
    if (constraint === IDENTITY_UNIQUE)
      return ctx.db.transaction((trx) => signIn(trx, identity, address, defaultLanguage));
    if (constraint === EMAIL_UNIQUE) return { ok: false, reason: 'not_linkable', language: null };
    throw err;
  }
}

async function signIn(
  trx: Tx,
  identity: OidcIdentity,
  address: string | null,
  defaultLanguage: string,
): Promise<OidcSignIn> {
  const bySubject = await trx('users')
    .where({ oidc_issuer: identity.issuer, oidc_subject: identity.subject })
    .forUpdate()
    .first('id', 'role', 'active', 'language', 'oidc_subject');
  const byEmail =
    bySubject || !address
      ? undefined
      : await trx('users')
          .whereRaw('lower(email) = ?', [address])
          .forUpdate()
          .first('id', 'role', 'active', 'language', 'oidc_subject');
  const user = bySubject ?? byEmail;
  if (user) {
    const refuse = (reason: OidcRefusal): OidcSignIn => ({ ok: false, reason, language: user.language });
    if (user.role === 'customer') return refuse('customer_account');
    if (!user.active) return refuse('inactive');
    if (!identity.role) return refuse('no_staff_role');
    // An address links only when the provider vouches for it, and only an account not yet linked elsewhere.
    if (!bySubject && (!identity.emailVerified || user.oidc_subject !== null)) return refuse('not_linkable');
    await trx('users').where({ id: user.id }).update({
      role: identity.role,
      oidc_issuer: identity.issuer,
      oidc_subject: identity.subject,
      last_login_at: new Date(),
      updated_at: new Date(),
    });
    return {
      ok: true,
      userId: user.id,
      role: identity.role,
      via: bySubject ? 'subject' : 'email',
      previousRole: user.role,
    };
  }
  const language = languageOf(identity.locale, defaultLanguage);
  if (!identity.role) return { ok: false, reason: 'no_staff_role', language: null };
  if (!address) return { ok: false, reason: 'no_email', language: null };
  const name = oneLine(identity.name ?? '') || address.slice(0, address.indexOf('@'));
  const [row] = await trx('users')
    .insert({
      email: address,
      name,
      role: identity.role,
      language,
      password_hash: null,
      must_change_password: false,
      email_verified_at: identity.emailVerified ? new Date() : null,
      oidc_issuer: identity.issuer,
      oidc_subject: identity.subject,
      last_login_at: new Date(),
    })
    .returning('id');
  return { ok: true, userId: row.id, role: identity.role, via: 'created', previousRole: null };
}
