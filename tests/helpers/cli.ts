import { spawn } from 'node:child_process';
import { waitUntil } from './poll.js';

/** Runs `node bin/izardesk.js` with the given arguments and environment; resolves when it exits. */
export function izardesk(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/izardesk.js', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Generous: several test runs share this machine's two cores.
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningIzardesk {
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves with the first stdout line matching `re` (fails after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `izardesk` command (serve, worker, start). */
export function startIzardesk(args: string[], env: Record<string, string>): RunningIzardesk {
  const child = spawn(process.execPath, ['bin/izardesk.js', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    output: () => stdout,
    waitFor: (re, ms = 90_000) =>
      waitUntil(
        `a line matching ${re}`,
        () => {
          const line = stdout.split('\n').find((l) => re.test(l));
          if (!line && child.exitCode !== null)
            throw new Error(
              `izardesk exited (${child.exitCode}) before a line matching ${re}; stderr: ${stderr}`,
            );
          return line;
        },
        { timeoutMs: ms, everyMs: 50, now: () => `stdout: ${stdout}; stderr: ${stderr}` },
      ),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
