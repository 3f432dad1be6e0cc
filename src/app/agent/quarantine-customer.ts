import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { createUser } from '../accounts/create-user.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';
import { requireAccountManager } from './guards.js';
import { releaseMail } from './quarantine.js';

export interface CustomerFromHeldInput {
  /** The company to put the new customer in, by its code; none: a company of their own, named by the address. */
  companyCode?: string | null;
  /** The new account's language (the installation's default). */
  language: string;
}

/**
 * One click on a message held from an unknown address that looks like a person (the ingest recorded the name it
 * would give them): a customer account is created, invited by mail as any new account is, and the message is
 * released through the ingest's path, where it now opens that customer's ticket (attachments and
 * acknowledgement included). All in the release's transaction: a refusal leaves the message held and no account.
 */
export async function createCustomerFromHeld(
  ctx: AppContext,
  actor: Actor,
  mailId: number,
  input: CustomerFromHeldInput,
): Promise<{ ticketId: number | null; userId: number }> {
  requireAccountManager(actor);
  const process = ctx.mailRelease;
  if (!process) throw new AppError('conflict', 'agent:quarantine.noSource');
  let userId = 0;
  const out = await releaseMail(ctx, actor, mailId, async (tx, mail) => {
    const held = await tx.db('inbound_mails').where({ id: mail.id }).first('details', 'reason');
    const name = typeof held?.details.person === 'string' ? held.details.person : null;
    if (!name || !mail.from_address || !held?.reason?.startsWith('unknown_sender'))
      throw new AppError('conflict', 'agent:quarantine.notPerson');
    let companyId: number | null = null;
    const code = input.companyCode?.trim();
    if (code) {
      const company = await tx
        .db('companies')
        .whereRaw('lower(code) = lower(?)', [code])
        .where({ active: true })
        .first('id');
      if (!company)
        throw new AppError('invalid', 'agent:quarantine.companyCodeUnknown', {
          fields: { companyCode: 'agent:quarantine.companyCodeUnknown' },
        });
      companyId = company.id;
    }
    const created = await createUser(tx, actor, {
      email: mail.from_address,
      name,
      role: 'customer',
      ...(companyId !== null ? { companyId } : { companyName: mail.from_address }),
      language: input.language,
      invite: true,
    });
    userId = created.userId;
    // tx.db is the release's transaction; this nests in it (a savepoint), so it goes or stays with the release.
    await tx.db.transaction((trx) =>
      recordAudit(trx, {
        actor,
        action: 'quarantine.customer_create',
        target: { type: 'inbound_mail', id: mail.id },
        details: { userId: created.userId, companyId },
      }),
    );
    return process(tx, mail);
  });
  return { ticketId: out.ticketId, userId };
}
