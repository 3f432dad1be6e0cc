/** The one error type for expected failures; web and mail map `code` to their own answers in one place each. */
export type AppErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'too_large';

export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** i18n key of the message shown to the user. */
  readonly messageKey: string;
  /** Per-field i18n keys, for forms. */
  readonly fields: FieldErrors;
  readonly params: Record<string, string | number>;

  constructor(
    code: AppErrorCode,
    messageKey: string,
    options: { fields?: FieldErrors; params?: Record<string, string | number> } = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = 'AppError';
    this.code = code;
    this.messageKey = messageKey;
    this.fields = options.fields ?? {};
    this.params = options.params ?? {};
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
