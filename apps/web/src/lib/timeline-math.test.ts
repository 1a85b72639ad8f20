import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  buildTimelineIndex,
  clampToExtent,
  DAY,
  DEFAULT_LIMITS,
  eventsInView,
  fitView,
  hitTest,
  HOUR,
  initialView,
  laneAtY,
  laneCenter,
  lowerBound,
  panBy,
  timeToX,
  upperBound,
  visibleRange,
  xToTime,
  YEAR,
  zoomAt,
  type TimelineLayout,
  type TimeView,
} from './timeline-math';

const T2018 = Date.UTC(2018, 0, 1);
const T2019 = Date.UTC(2019, 0, 1);
const LANES = ['diagnosis', 'procedure', 'medication', 'lab', 'other'];
const layout: TimelineLayout = { axisHeight: 30, laneHeight: 40, laneCount: LANES.length };

describe('scale', () => {
  const view: TimeView = { start: T2018, end: T2019, width: 1000 };
  it('maps time to pixels and back', () => {
    expect(timeToX(view, T2018)).toBe(0);
    expect(timeToX(view, T2019)).toBe(1000);
    expect(xToTime(view, 500)).toBe((T2018 + T2019) / 2);
    expect(xToTime(view, timeToX(view, Date.UTC(2018, 5, 15)))).toBeCloseTo(Date.UTC(2018, 5, 15), -1);
  });

  it('zooms around the pointer: the time under it stays under it', () => {
    const anchorT = xToTime(view, 250);
    const zoomed = zoomAt(view, 250, 4);
    expect(zoomed.end - zoomed.start).toBeCloseTo((T2019 - T2018) / 4, -1);
    expect(xToTime(zoomed, 250)).toBeCloseTo(anchorT, -1);
    const out = zoomAt(zoomed, 250, 1 / 4);
    expect(out.start).toBeCloseTo(view.start, -1);
    expect(out.end).toBeCloseTo(view.end, -1);
  });

  it('keeps zoom within limits and ignores nonsense factors', () => {
    const deep = zoomAt(view, 500, 1e9);
    expect(deep.end - deep.start).toBe(DEFAULT_LIMITS.minSpan);
    const wide = zoomAt(view, 500, 1e-9);
    expect(wide.end - wide.start).toBe(DEFAULT_LIMITS.maxSpan);
    expect(zoomAt(view, 500, 0)).toBe(view);
    expect(zoomAt(view, 500, Number.NaN)).toBe(view);
  });

  it('pans by pixels: dragging right shows earlier times', () => {
    const panned = panBy(view, 100);
    expect(panned.start).toBeCloseTo(T2018 - (T2019 - T2018) / 10, -1);
    expect(panned.end - panned.start).toBe(view.end - view.start);
    expect(panBy(panned, -100).start).toBeCloseTo(view.start, -1);
  });

  it('does not let the data leave the window', () => {
    const span = T2019 - T2018;
    const farRight = { start: T2019 + 5 * span, end: T2019 + 6 * span, width: 1000 };
    const clamped = clampToExtent(farRight, T2018, T2019);
    expect(clamped.start).toBeCloseTo(T2019 - 0.1 * span, -1);
    const farLeft = { start: T2018 - 6 * span, end: T2018 - 5 * span, width: 1000 };
    expect(clampToExtent(farLeft, T2018, T2019).end).toBeCloseTo(T2018 + 0.1 * span, -1);
    expect(clampToExtent(view, T2018, T2019)).toBe(view);
  });

  it('fits the data with padding, and a month around a single date', () => {
    const fit = fitView(T2018, T2019, 800);
    expect(fit.start).toBeLessThan(T2018);
    expect(fit.end).toBeGreaterThan(T2019);
    expect(fit.width).toBe(800);
    const single = fitView(T2018, T2018, 800);
    expect(single.end - single.start).toBe(30 * DAY);
    expect((single.start + single.end) / 2).toBe(T2018);
  });
});

describe('axis ticks', () => {
  it('picks calendar-aligned steps that keep labels apart', () => {
    const years = axisTicks({ start: Date.UTC(2000, 5, 1), end: Date.UTC(2020, 5, 1), width: 1000 }, 90);
    expect(years.length).toBeGreaterThan(3);
    for (const t of years) expect(new Date(t.t).getUTCMonth()).toBe(0);
    expect(years[0]!.label).toMatch(/^\d{4}$/);
    for (let i = 1; i < years.length; i++) expect(years[i]!.x - years[i - 1]!.x).toBeGreaterThanOrEqual(90);

    const months = axisTicks({ start: T2018, end: T2019, width: 1200 }, 90);
    expect(months.map((t) => t.label)).toContain('Apr 2018');
    for (const t of months) expect(new Date(t.t).getUTCDate()).toBe(1);

    const days = axisTicks({ start: T2018, end: T2018 + 10 * DAY, width: 1200 }, 90);
    expect(days[0]!.label).toBe('1 Jan 2018');
    const hours = axisTicks({ start: T2018, end: T2018 + 12 * HOUR, width: 1200 }, 90);
    expect(hours[1]!.label).toBe('1 Jan 01:00');
  });

  it('stays bounded for extreme views', () => {
    expect(axisTicks({ start: 0, end: 500 * YEAR, width: 1000 }, 90).length).toBeLessThan(30);
    expect(axisTicks({ start: T2018, end: T2018, width: 1000 })).toEqual([]);
    expect(axisTicks({ start: T2018, end: T2019, width: 0 })).toEqual([]);
  });
});

describe('index', () => {
  const items = [
    { category: 'lab', start: '2018-03-01' },
    { category: 'lab', start: '2018-01-15' },
    { category: 'diagnosis', start: '2018-02' },
    { category: 'medication', start: '2018-04-01', end: '2018-06-30' },
    { category: 'unknown-kind', start: '2018-05-05' },
    { category: 'lab' },
    { category: 'procedure', end: '2018-07-01' },
  ];
  const index = buildTimelineIndex(items, LANES);

  it('sorts each lane by start, sends unknown categories to "other" and keeps undated events apart', () => {
    expect(index.lanes[3]!.category).toBe('lab');
    expect(Array.from(index.lanes[3]!.item)).toEqual([1, 0]);
    expect(Array.from(index.lanes[4]!.item)).toEqual([4]);
    expect(index.undated).toEqual([5]);
    expect(index.dated).toBe(6);
    expect(index.min).toBe(Date.UTC(2018, 0, 15));
    // the medication runs to the end of 30 June; the procedure with only an end date sits on 1 July
    expect(index.max).toBe(Date.UTC(2018, 6, 1));
    expect(index.lanes[2]!.maxDuration).toBe(Date.UTC(2018, 6, 1) - 1 - Date.UTC(2018, 3, 1));
  });

  it('binary-searches the events in a window, including ranges that began before it', () => {
    const a = new Float64Array([1, 2, 2, 5, 9]);
    expect(lowerBound(a, 2)).toBe(1);
    expect(upperBound(a, 2)).toBe(3);
    expect(lowerBound(a, 10)).toBe(5);
    expect(upperBound(a, 0)).toBe(0);
    const med = index.lanes[2]!;
    expect(visibleRange(med, Date.UTC(2018, 5, 1), Date.UTC(2018, 5, 2))).toEqual([0, 1]);
    const lab = index.lanes[3]!;
    expect(visibleRange(lab, Date.UTC(2018, 1, 1), Date.UTC(2018, 2, 2))).toEqual([1, 2]);
  });

  it('opens on the bulk of the history, not on a birth date decades earlier', () => {
    const history = [
      { category: 'other', start: '1965-01-01' },
      ...Array.from({ length: 40 }, (_, i) => ({ category: 'lab', start: `2018-${String(1 + (i % 12)).padStart(2, '0')}-10` })),
    ];
    const idx = buildTimelineIndex(history, LANES);
    const v = initialView(idx, 1000);
    expect(v.start).toBeGreaterThan(Date.UTC(2017, 11, 1));
    expect(v.end).toBeGreaterThan(Date.UTC(2018, 11, 10));
    // few events: everything
    const few = buildTimelineIndex(history.slice(0, 5), LANES);
    expect(initialView(few, 1000).start).toBeLessThan(Date.UTC(1965, 0, 1));
  });

  it('has empty lanes and NaN extent when nothing is dated', () => {
    const empty = buildTimelineIndex([{ category: 'lab' }], LANES);
    expect(empty.dated).toBe(0);
    expect(empty.min).toBeNaN();
    expect(fitView(empty.min, empty.max, 500).width).toBe(500);
  });
});

describe('hit-testing', () => {
  const items = [
    { category: 'lab', start: '2018-03-01' },
    { category: 'lab', start: '2018-03-02' },
    { category: 'medication', start: '2018-04-01', end: '2018-06-30' },
    { category: 'diagnosis', start: '2018-02-01' },
  ];
  const index = buildTimelineIndex(items, LANES);
  const view: TimeView = { start: T2018, end: T2019, width: 1000 };
  const labY = laneCenter(layout, 3);

  it('maps y to lanes below the axis', () => {
    expect(laneAtY(layout, 10)).toBeUndefined();
    expect(laneAtY(layout, 30)).toBe(0);
    expect(laneAtY(layout, 69)).toBe(0);
    expect(laneAtY(layout, 70)).toBe(1);
    expect(laneAtY(layout, 30 + 5 * 40)).toBeUndefined();
  });

  it('finds the nearest point event within the radius, in the lane under the pointer', () => {
    const x0 = timeToX(view, Date.UTC(2018, 2, 1));
    const x1 = timeToX(view, Date.UTC(2018, 2, 2));
    expect(hitTest(index, layout, view, x0 - 0.5, labY)?.item).toBe(0);
    expect(hitTest(index, layout, view, x1 + 1, labY)?.item).toBe(1);
    expect(hitTest(index, layout, view, x0, labY + 40)).toBeUndefined(); // the lane below is empty
    expect(hitTest(index, layout, view, x0 + 30, labY)).toBeUndefined();
    expect(hitTest(index, layout, view, x0, 5)).toBeUndefined(); // the axis band
  });

  it('hits a ranged event anywhere along its bar', () => {
    const medY = laneCenter(layout, 2);
    const mid = timeToX(view, Date.UTC(2018, 4, 15));
    expect(hitTest(index, layout, view, mid, medY)).toMatchObject({ item: 2, distance: 0 });
    expect(hitTest(index, layout, view, timeToX(view, Date.UTC(2018, 7, 1)), medY)).toBeUndefined();
  });

  it('lists the events in view with the positions a click would hit', () => {
    const narrow: TimeView = { start: Date.UTC(2018, 1, 15), end: Date.UTC(2018, 4, 1), width: 800 };
    const { events, total } = eventsInView(index, layout, narrow);
    expect(total).toBe(3); // two labs and the medication; the February diagnosis is before the window
    expect(events.map((e) => e.item)).toEqual([0, 1, 2]);
    for (const e of events) expect(hitTest(index, layout, narrow, e.x, e.y)?.item).toBe(e.item);
    expect(eventsInView(index, layout, narrow, 1).events).toHaveLength(1);
  });

  it('stays fast with 10,000 events', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      category: LANES[i % LANES.length]!,
      start: new Date(Date.UTC(2000, 0, 1) + i * 17 * HOUR).toISOString(),
    }));
    const began = performance.now();
    const big = buildTimelineIndex(many, LANES);
    const built = performance.now() - began;
    const v = fitView(big.min, big.max, 1200);
    const t = performance.now();
    let hits = 0;
    for (let x = 0; x < 1200; x += 3) if (hitTest(big, layout, v, x, laneCenter(layout, 1))) hits++;
    const perHit = (performance.now() - t) / 400;
    expect(big.dated).toBe(10_000);
    expect(hits).toBeGreaterThan(300);
    expect(built).toBeLessThan(500);
    expect(perHit).toBeLessThan(1);
  });
});
