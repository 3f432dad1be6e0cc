import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './poll.js';

/**
 * A private Dovecot (IMAP only) for one test file or benchmark: its own port, config, run and mail folders in a
 * temp directory. It logs in as `dovenull` and stores mail as the `dovecot` user (it refuses root), so nothing
 * of a system-wide instance is touched.
 */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** IMAP_* variables pointing at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = new Socket();
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.connect(port, '127.0.0.1');
  });

function config(dir: string, port: number, extra: string): string {
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 30 secs
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
  mailbox Processed {
    auto = create
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
}
${extra}
`;
}

export interface DovecotOptions {
  /** Lines added to the generated dovecot.conf (e.g. an `imap_capability` without IDLE). */
  extraConfig?: string;
  /** More IMAP users besides `support`, each with the password `<user>-password` (a second support account). */
  extraUsers?: string[];
}

/** Starts a private Dovecot with one user (`support`, and any `extraUsers`), on a free port. */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'izt-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const user = 'support';
  const password = 'support-password';
  const lines = [`${user}:{PLAIN}${password}::::::`];
  for (const u of options.extraUsers ?? []) lines.push(`${u}:{PLAIN}${u}-password::::::`);
  writeFileSync(join(dir, 'users'), `${lines.join('\n')}\n`, { mode: 0o644 });
  execFileSync('chown', ['-R', 'dovecot:dovecot', join(dir, 'mail')]);
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'dovecot.conf');
    writeFileSync(conf, config(dir, port, options.extraConfig ?? ''));
    const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const up = await waitUntil(
      `dovecot to listen on ${port}`,
      async () => (exited ? 'exited' : (await canConnect(port)) && 'listening'),
      { timeoutMs: 10_000, everyMs: 50 },
    ).catch(() => 'silent');
    if (up === 'listening') {
      const stop = async () => {
        if (!exited) {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
          if (!exited) child.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return {
        host: '127.0.0.1',
        port,
        user,
        password,
        dir,
        env: {
          IMAP_HOST: '127.0.0.1',
          IMAP_PORT: String(port),
          IMAP_SECURE: 'false',
          IMAP_USER: user,
          IMAP_PASSWORD: password,
        },
        stop,
      };
    }
    child.kill('SIGKILL');
    try {
      lastError = readFileSync(join(dir, 'dovecot.log'), 'utf8').split('\n').slice(-5).join('\n');
    } catch {
      lastError = 'no log';
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`dovecot did not start: ${lastError}`);
}
