import { type HtmlValue, html } from './html.js';

export interface BarSeries {
  name: string;
  /** A CSS class of the bars (colour), e.g. `series-a`. */
  className: string;
  values: readonly number[];
}

/**
 * A grouped bar chart as inline SVG, drawn on the server: no script, scales with its box. It is a picture of
 * the table the page prints next to it, which carries the figures for screen readers and for copying.
 */
export function barChart(o: {
  id: string;
  title: string;
  summary: string;
  labels: readonly string[];
  series: readonly BarSeries[];
}): HtmlValue {
  const W = 800;
  const H = 220;
  const top = 10;
  const bottom = 24;
  const left = 36;
  const max = Math.max(1, ...o.series.flatMap((s) => s.values));
  const step = (W - left) / Math.max(1, o.labels.length);
  const bar = Math.max(1, (step * 0.8) / o.series.length);
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  // A label under every bar group would overlap on long periods: about ten of them.
  const every = Math.max(1, Math.ceil(o.labels.length / 10));
  const bars = o.series.flatMap((s, si) =>
    s.values.map(
      (v, i) =>
        html`<rect class="${s.className}" x="${(left + i * step + step * 0.1 + si * bar).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - bottom - y(v)).toFixed(1)}"><title>${o.labels[i]}: ${s.name} ${v}</title></rect>`,
    ),
  );
  const ticks = o.labels.flatMap((l, i) =>
    i % every === 0
      ? [
          html`<text x="${(left + i * step + step / 2).toFixed(1)}" y="${H - 6}" text-anchor="middle">${l}</text>`,
        ]
      : [],
  );
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}-t ${o.id}-d" preserveAspectRatio="none">
<title id="${o.id}-t">${o.title}</title><desc id="${o.id}-d">${o.summary}</desc>
<line class="axis" x1="${left}" y1="${H - bottom}" x2="${W}" y2="${H - bottom}"></line>
<text x="${left - 4}" y="${top + 8}" text-anchor="end">${max}</text><text x="${left - 4}" y="${H - bottom}" text-anchor="end">0</text>
${bars}${ticks}</svg>
<figcaption>${o.series.map((s) => html`<span class="key"><span class="swatch ${s.className}" aria-hidden="true"></span>${s.name}</span> `)}</figcaption>
</figure>`;
}
