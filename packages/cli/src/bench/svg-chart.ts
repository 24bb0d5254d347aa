/**
 * A grouped bar chart as a standalone SVG (hand-written, no dependency), on a log10 axis because the
 * rates of one chart span several orders of magnitude (a stateless query vs a join, engine vs loop).
 */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
}

export interface ChartGroup {
  readonly label: string;
  /** One value per series; undefined or ≤ 0 draws no bar. */
  readonly values: ReadonlyArray<number | undefined>;
}

export interface BarChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly series: readonly ChartSeries[];
  readonly groups: readonly ChartGroup[];
  readonly format: (v: number) => string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => String(Math.round(v * 10) / 10);

export function renderBarChart(chart: BarChart): string {
  const bar = 14;
  const groupGap = 18;
  const left = 70;
  const top = 64;
  const plotH = 300;
  const groupW = chart.series.length * bar + groupGap;
  const width = Math.max(520, left + chart.groups.length * groupW + 20);
  const height = top + plotH + 60;
  const values = chart.groups.flatMap((g) => g.values).filter((v): v is number => v !== undefined && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1e4))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 1e5))));
  const y = (v: number) => top + plotH - (Math.log10(v / lo) / Math.log10(hi / lo)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(chart.title)}</text>`);
  if (chart.subtitle) out.push(`<text x="${left}" y="36" fill="#555">${esc(chart.subtitle)}</text>`);
  chart.series.forEach((s, i) => {
    const x = left + i * 150;
    out.push(`<rect x="${x}" y="44" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="53">${esc(s.name)}</text>`);
  });
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${n(y(v) + 4)}" text-anchor="end" fill="#555">${esc(chart.format(v))}</text>`);
  }
  chart.groups.forEach((g, gi) => {
    const x0 = left + 10 + gi * groupW;
    g.values.forEach((v, si) => {
      if (v === undefined || v <= 0) return;
      const yv = y(Math.max(v, lo));
      const x = x0 + si * bar;
      out.push(
        `<rect x="${x}" y="${n(yv)}" width="${bar - 2}" height="${n(top + plotH - yv)}" fill="${chart.series[si].color}"><title>${esc(`${g.label} ${chart.series[si].name}: ${chart.format(v)}`)}</title></rect>`,
      );
    });
    out.push(`<text x="${n(x0 + (chart.series.length * bar) / 2)}" y="${top + plotH + 16}" text-anchor="middle">${esc(g.label)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${width - 10}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
