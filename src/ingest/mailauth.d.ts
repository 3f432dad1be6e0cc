declare module 'mailauth/lib/parse-dkim-headers.js' {
  interface ResultEntry {
    value?: string;
    header?: Record<string, string>;
  }
  interface Parsed {
    value?: string;
    dkim?: ResultEntry[];
    dmarc?: ResultEntry;
    [key: string]: unknown;
  }
  export default function headerParser(header: string): { parsed: Parsed; original: string };
}
