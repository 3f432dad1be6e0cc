/** One CSV cell: quoted when needed, and never a formula a spreadsheet would run. */
export const csvCell = (v: string | number): string => {
  const s = String(v);
  // A leading = + - @ would be run as a formula by a spreadsheet: quoted with a tick, as OWASP advises.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
