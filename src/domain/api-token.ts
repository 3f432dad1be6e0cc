import { createHash, randomBytes } from 'node:crypto';

/** What an API token may do: read (every GET), write tickets, administer accounts, services and tokens. */
export const API_SCOPES = ['read', 'tickets:write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const isApiScope = (v: string): v is ApiScope => (API_SCOPES as readonly string[]).includes(v);

const PREFIX = 'izd_';
/** `izd_` and 43 base64url characters (32 random bytes). */
const SHAPE = /^izd_[A-Za-z0-9_-]{43}$/;

/** A new token's secret value: shown once to its creator, stored only as its hash. */
export const newApiToken = (): string => PREFIX + randomBytes(32).toString('base64url');

/** What is stored and looked up: the SHA-256 of the token (hex). */
export const apiTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A value that could be a token (anything else is refused without a database look-up). */
export const looksLikeApiToken = (v: string): boolean => SHAPE.test(v);

/** The part of a token shown in the list, to tell tokens apart: `izd_AbCd…`. */
export const apiTokenPrefix = (token: string): string => token.slice(0, PREFIX.length + 6);
