import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (plain: string): Promise<string> => hash(plain);

export const verifyPassword = async (hashed: string, plain: string): Promise<boolean> => {
  try {
    return await verify(hashed, plain);
  } catch {
    return false;
  }
};

/** A generated first password: 14 characters from an alphabet without look-alikes. */
export function generatePassword(length = 14): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** The password rule shown on the forms: 10+ characters with a letter and a digit. */
export function passwordProblems(pw: string): string | null {
  if (pw.length < 10) return 'validation.passwordTooShort';
  if (!/[A-Za-z]/.test(pw) || !/\d/.test(pw)) return 'validation.passwordNeedsLetterAndDigit';
  return null;
}
