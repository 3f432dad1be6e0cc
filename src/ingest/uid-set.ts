/** An IMAP UID set in ranges (`1:200,205`): 2,000 consecutive UIDs are one short range, not a 10 KB command. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i] as number;
    i++;
    parts.push(start === end ? String(start) : `${start}:${end}`);
  }
  return parts.join(',');
}
