/** Test databases live on the machine's Postgres (TEST_PG_URL to point elsewhere). */
const base = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const adminUrl = (): string => base;

export function dbUrl(name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}
