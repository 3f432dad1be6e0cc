import type { Db } from '../../db/db.js';
import { generatePassword, hashPassword } from './passwords.js';

/**
 * A fresh password for the invitation mail, set when the mail is built: the mailed password is the one that
 * works, and it must be changed at first login. Returns it in clear for the mail only.
 */
export async function issueInvitationPassword(db: Db, userId: number): Promise<string> {
  const password = generatePassword();
  await db('users')
    .where({ id: userId })
    .update({
      password_hash: await hashPassword(password),
      must_change_password: true,
      updated_at: new Date(),
    });
  return password;
}
