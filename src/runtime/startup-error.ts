/** A problem that stops start-up; its message is the one line the operator sees. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The reason in words ('database "x" does not exist', 'connect ECONNREFUSED 127.0.0.1:5432'), else the code. */
const describe = (err: unknown): string => {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  return e.message?.split('\n')[0] || e.errors?.[0]?.message || e.code || String(err);
};

/** "postgres://user:secret@host/db" without the password, for messages. */
export const redactUrl = (u: string): string => {
  try {
    const url = new URL(u);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
};

export const startupError = (what: string, url: string, err: unknown): StartupError =>
  new StartupError(`cannot connect to ${what} at ${redactUrl(url)}: ${describe(err)}`);

export const listenError = (host: string, port: number, err: unknown): StartupError =>
  new StartupError(`cannot listen on ${host}:${port} (HOST, PORT): ${describe(err)}`);
