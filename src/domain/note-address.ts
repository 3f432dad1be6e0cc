/**
 * The support address with the `note` plus-tag (support+note@izarlink.example): an agent's mail sent to it is a
 * private note on the ticket it names, never mailed to the customer.
 */
export function noteAddress(supportAddress: string): string {
  const at = supportAddress.lastIndexOf('@');
  return `${supportAddress.slice(0, at)}+note${supportAddress.slice(at)}`.toLowerCase();
}

/** Whether one of a mail's recipients (To, Cc, Delivered-To) is the note address. */
export const toNoteAddress = (supportAddress: string, recipients: readonly string[]): boolean => {
  const note = noteAddress(supportAddress);
  return recipients.some((r) => r.toLowerCase() === note);
};
