import { renderBarChart } from './svg-chart';

const bars = (svg: string) => [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="12" height="([\d.]+)" fill="(#[0-9a-f]+)"><title>([^<]*)<\/title>/g)];

describe('renderBarChart', () => {
  const svg = renderBarChart({
    title: 'T & <x>',
    series: [
      { name: 'a', color: '#111111' },
      { name: 'b', color: '#222222' },
    ],
    groups: [
      { label: 'q0', values: [1e5, 1e6] },
      { label: 'q1', values: [1e4, undefined] },
    ],
    format: (v) => String(v),
  });

  it('draws one bar per defined value, none for a missing one, with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('T &amp; &lt;x&gt;');
    expect(bars(svg).map((m) => [m[4], m[5]])).toEqual([
      ['#111111', 'q0 a: 100000'],
      ['#222222', 'q0 b: 1000000'],
      ['#111111', 'q1 a: 10000'],
    ]);
  });

  it('uses a log scale: each factor of ten adds the same height', () => {
    // The axis spans 1e4 .. 1e6 here (two decades over 300 px), so the bars are 150, 300 and 0 px high.
    expect(bars(svg).map((m) => Number(m[3]))).toEqual([150, 300, 0]);
  });
});
