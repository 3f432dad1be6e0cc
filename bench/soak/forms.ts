/** Just enough HTML form reading for the soak client: the forms a page offers and their fields. */
export interface FormField {
  tag: 'input' | 'select' | 'textarea';
  name: string;
  type: string;
  value: string;
  options: string[];
  checked: boolean;
}

export interface Form {
  action: string;
  method: string;
  multipart: boolean;
  fields: FormField[];
}

const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decode(m[1] ?? m[2] ?? m[3] ?? '') : null;
};
const hasAttr = (tag: string, name: string): boolean => new RegExp(`\\s${name}(\\s|=|>|/)`, 'i').test(tag);
const decode = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export function parseForms(html: string, pageUrl: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form${m[1]}>`;
    const body = m[2] ?? '';
    const fields: FormField[] = [];
    for (const f of body.matchAll(/<(input|select|textarea)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/gi)) {
      const tag = (f[1] ?? '').toLowerCase() as FormField['tag'];
      const t = `<${tag}${f[2]}>`;
      const name = attr(t, 'name');
      if (!name) continue;
      const inner = tag === 'input' ? '' : (f[3] ?? '');
      const options = [...inner.matchAll(/<option\b([^>]*)>([^<]*)/gi)].map(
        (o) => attr(`<option${o[1]}>`, 'value') ?? (o[2] ?? '').trim(),
      );
      fields.push({
        tag,
        name,
        type: (attr(t, 'type') ?? tag).toLowerCase(),
        value: tag === 'textarea' ? decode(inner) : (attr(t, 'value') ?? ''),
        options,
        checked: hasAttr(t, 'checked'),
      });
    }
    forms.push({
      action: new URL(attr(open, 'action') ?? pageUrl, pageUrl).toString(),
      method: (attr(open, 'method') ?? 'get').toLowerCase(),
      multipart: /multipart\/form-data/i.test(attr(open, 'enctype') ?? ''),
      fields,
    });
  }
  return forms;
}

/**
 * Fills a form the way a person would: hidden values kept, `choose(name, options)` picks selects and
 * radios, `text(name, type)` answers text fields (null leaves them empty). Files are not sent.
 */
export function fillForm(
  form: Form,
  choose: (name: string, options: string[]) => string | undefined,
  text: (name: string, type: string) => string | null,
): URLSearchParams {
  const out = new URLSearchParams();
  const radios = new Map<string, string[]>();
  for (const f of form.fields) {
    if (f.type === 'radio') radios.set(f.name, [...(radios.get(f.name) ?? []), f.value]);
    else if (f.type === 'hidden') out.append(f.name, f.value);
    else if (f.type === 'checkbox') {
      if (f.checked) out.append(f.name, f.value || 'on');
    } else if (f.type === 'file' || f.type === 'submit' || f.type === 'button') {
      // not sent
    } else if (f.tag === 'select') {
      const picked = choose(f.name, f.options.filter(Boolean));
      if (picked !== undefined) out.append(f.name, picked);
    } else {
      const v = text(f.name, f.type);
      out.append(f.name, v ?? f.value);
    }
  }
  for (const [name, values] of radios) {
    const picked = choose(name, values);
    if (picked !== undefined) out.append(name, picked);
  }
  return out;
}
