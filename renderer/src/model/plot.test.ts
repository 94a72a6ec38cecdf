import { describe, expect, it } from 'vitest';
import { bytesAxis, timeAxis } from './axis';
import { placeLabels } from './labels';
import { clampDomain, domainBetween, panBy, zoomAt } from './zoom';

const measure = (text: string) => text.length * 6;

describe('axes', () => {
  it('tick time in one unit chosen for the range, as many as fit', () => {
    expect(timeAxis([0, 0.2], [0, 600], measure, 20).map((t) => t.label)).toEqual(['0 ms', '20 ms', '40 ms', '60 ms', '80 ms', '100 ms', '120 ms', '140 ms', '160 ms', '180 ms', '200 ms']);
    expect(timeAxis([0, 2.2], [0, 300], measure).map((t) => t.label)).toEqual(['0.0 s', '0.5 s', '1.0 s', '1.5 s', '2.0 s']);
    expect(timeAxis([0, 600], [0, 600], measure).map((t) => t.label)).toEqual(['0 min', '2 min', '4 min', '6 min', '8 min', '10 min']);
    expect(timeAxis([0, 600], [0, 200], measure).map((t) => t.label)).toEqual(['0 min', '5 min', '10 min']);
    // Labels never touch, however narrow.
    for (const width of [80, 150, 400, 1200]) {
      const ticks = timeAxis([0, 9.9111], [0, width], measure);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.at - ticks[i - 1]!.at).toBeGreaterThanOrEqual((measure(ticks[i]!.label) + measure(ticks[i - 1]!.label)) / 2);
    }
  });

  it('tick bytes in the unit of the largest value', () => {
    expect(bytesAxis(2905, [200, 0], 40).map((t) => t.label)).toEqual(['0.0 KB', '0.5 KB', '1.0 KB', '1.5 KB', '2.0 KB', '2.5 KB']);
    // Whole bytes only: five bytes up a tall axis are not split into halves.
    expect(bytesAxis(5, [400, 0], 40).map((t) => t.label)).toEqual(['0 B', '1 B', '2 B', '3 B', '4 B', '5 B']);
    const ticks = bytesAxis(300, [200, 0], 40);
    expect(ticks.map((t) => t.label)).toEqual(['0 B', '50 B', '100 B', '150 B', '200 B', '250 B', '300 B']);
    ticks.forEach((t) => expect(t.at).toBeCloseTo(200 - (t.value / 300) * 200));
  });
});

describe('zoom and pan', () => {
  const full = [0, 10] as const;
  it('zooms at the pointer, keeping the time under it in place', () => {
    const d = zoomAt(full, full, 0.5, 2);
    expect(d[1] - d[0]).toBeCloseTo(5);
    expect((2 - d[0]) / (d[1] - d[0])).toBeCloseTo(0.2);
    expect(zoomAt(d, full, 100, 5)).toEqual(full);
  });

  it('pans within the exchange, and a drag selects a range', () => {
    expect(panBy([2, 4], full, 10)).toEqual([8, 10]);
    expect(panBy([2, 4], full, -10)).toEqual([0, 2]);
    expect(domainBetween(full, full, 100, 1000, 600, 200)).toEqual([1, 5]);
    expect(clampDomain([3, 3], full)[1]).toBeGreaterThan(3);
  });
});

describe('labels', () => {
  it('sit beside their mark, inside the bounds, in rows so none overlap', () => {
    const { placed, rows } = placeLabels(
      [
        { id: 'a', x: 100, width: 80 },
        { id: 'b', x: 102, width: 80 },
        { id: 'c', x: 590, width: 80 },
        { id: 'd', x: 300, width: 50 },
      ],
      { left: 0, right: 600 },
    );
    expect(rows).toBe(2);
    const byId = Object.fromEntries(placed.map((p) => [p.id, p]));
    expect(byId.a).toMatchObject({ left: 104, row: 0 });
    expect(byId.b!.row).toBe(1);
    expect(byId.c).toMatchObject({ left: 506, row: 0 }); // no room right of its mark: left of it
    expect(byId.d!.row).toBe(0);
  });

  it('drops what does not fit in the rows allowed, rather than overlap', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ id: String(i), x: 10, width: 50 }));
    const { placed, dropped } = placeLabels(many, { left: 0, right: 100 }, { maxRows: 3 });
    expect(placed).toHaveLength(3);
    expect(dropped).toHaveLength(2);
  });
});
