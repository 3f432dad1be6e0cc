import { isMailReason } from '../domain/mail-reasons.js';

/** The i18n key of a reason code's label (the quarantine page and digest); "other" for what is not a code. */
export const reasonLabelKey = (code: unknown): string =>
  `agent:quarantine.reasons.${isMailReason(code) ? code : 'other'}`;
