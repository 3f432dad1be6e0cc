import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';

interface IngestOptions {
  file?: string;
  stdin?: boolean;
  dryRun?: boolean;
  json?: boolean;
  sent?: boolean;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Pipe mode: one raw message through the same path as the mailbox watcher (MTA pipe, support, tests). */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('ingest one raw message (.eml) from a file or stdin, as if it arrived in the mailbox')
    .option('--file <path>', 'read the message from this file')
    .option('--stdin', 'read the message from standard input')
    .option('--dry-run', 'show what would happen, change nothing')
    .option('--json', 'print the outcome as one JSON object')
    .option('--sent', 'treat it as mail sent by an agent from the shared mailbox')
    .action(async (o: IngestOptions) => {
      if (Boolean(o.file) === Boolean(o.stdin)) {
        process.stderr.write('izardesk: ingest needs exactly one of --file <path> or --stdin\n');
        process.exit(2);
      }
      // Imported here: an MTA starts one process per message, and the other commands' modules are not needed.
      const [{ ingestMessage }, { withServices }] = await Promise.all([
        import('../../ingest/process-message.js'),
        import('../with-services.js'),
      ]);
      const raw = o.file ? await readFile(o.file) : await readStdin();
      const report = await withServices((s) =>
        ingestMessage(
          s,
          { raw, mailbox: 'pipe', uidvalidity: null, uid: null, size: raw.length, receivedAt: new Date() },
          { mode: o.sent ? 'sent' : 'inbox', dryRun: Boolean(o.dryRun) },
        ),
      );
      if (o.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const who = `${report.sender.address ?? '(no sender)'} (${report.sender.role})`;
        process.stdout.write(
          `${report.dryRun ? 'would be ' : ''}${report.action}${report.ticket ? ` ${report.ticket}` : ''} from ${who}: ${report.reason.code}: ${report.reason.text}\n`,
        );
      }
    });
}
