import { type AppErrorCode, isAppError } from '../domain/errors.js';
import { HTTP_STATUS } from './errors.js';
import { type FormState, formFromError } from './forms.js';

/** Failures the person can fix from the form itself: anything else is an error page. */
const FORM_CODES: readonly AppErrorCode[] = ['invalid', 'conflict', 'too_large', 'rate_limited'];

/**
 * The answer to a form that failed: its status (from the one status table) and the form to re-render with
 * what was typed and the messages of the error. Rethrows what is not a form failure, for the error page.
 */
export function formError(
  err: unknown,
  values: Record<string, string>,
  codes: readonly AppErrorCode[] = FORM_CODES,
): { status: number; form: FormState } {
  if (!isAppError(err) || !codes.includes(err.code)) throw err;
  return { status: HTTP_STATUS[err.code], form: formFromError(err, values) };
}
