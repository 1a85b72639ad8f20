/**
 * The pure part of the timeline: the time ↔ pixel scale, zoom and pan, axis ticks, the per-lane event index that
 * finds the events in view by binary search (so a frame costs what is visible, not the 10,000 events a patient
 * may have), and hit-testing. No DOM here; the canvas component draws with it and the unit tests check it.
 */
import { parseFhirDate, parseFhirDateEnd } from './format';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const YEAR = 365.2425 * DAY;

/** The visible time window [start, end] (ms) spread over `width` CSS pixels. */
export interface TimeView {
  start: number;
  end: number;
  width: number;
}

export interface ZoomLimits {
  /** Narrowest window (default one hour). */
  minSpan: number;
  /** Widest window (default 300 years). */
  maxSpan: number;
}

export const DEFAULT_LIMITS: ZoomLimits = { minSpan: HOUR, maxSpan: 300 * YEAR };

export function timeToX(view: TimeView, t: number): number {
  return ((t - view.start) / (view.end - view.start)) * view.width;
}

export function xToTime(view: TimeView, x: number): number {
  return view.start + (x / view.width) * (view.end - view.start);
}

/** Zooms by `factor` (> 1 zooms in) keeping the time under `anchorX` where it is; the span stays within the limits. */
export function zoomAt(view: TimeView, anchorX: number, factor: number, limits: ZoomLimits = DEFAULT_LIMITS): TimeView {
  if (!(factor > 0) || !Number.isFinite(factor)) return view;
  const span = view.end - view.start;
  const newSpan = Math.min(limits.maxSpan, Math.max(limits.minSpan, span / factor));
  const anchorT = xToTime(view, anchorX);
  const frac = view.width > 0 ? anchorX / view.width : 0.5;
  const start = anchorT - frac * newSpan;
  return { start, end: start + newSpan, width: view.width };
}

/** Moves the window by `dx` pixels (dragging right, dx > 0, shows earlier times). */
export function panBy(view: TimeView, dx: number): TimeView {
  const dt = (dx / view.width) * (view.end - view.start);
  return { start: view.start - dt, end: view.end - dt, width: view.width };
}

/**
 * Keeps the data in sight: the window may be panned past the data [min, max] only until `keep` of its width
 * still shows the data's first or last part.
 */
export function clampToExtent(view: TimeView, min: number, max: number, keep = 0.1): TimeView {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return view;
  const span = view.end - view.start;
  if (view.start > max - keep * span) {
    const start = max - keep * span;
    return { start, end: start + span, width: view.width };
  }
  if (view.end < min + keep * span) {
    const end = min + keep * span;
    return { start: end - span, end, width: view.width };
  }
  return view;
}

/** The window that shows [min, max] with `pad` of the span on each side (one day at least, centred on a single date). */
export function fitView(min: number, max: number, width: number, pad = 0.04): TimeView {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    const now = Date.now();
    return { start: now - YEAR, end: now, width };
  }
  let span = Math.max(max - min, 0);
  if (span < DAY) {
    const mid = (min + max) / 2;
    return { start: mid - 15 * DAY, end: mid + 15 * DAY, width };
  }
  span = span * (1 + 2 * pad);
  const start = min - (span - (max - min)) / 2;
  return { start, end: start + span, width };
}

// ---------------------------------------------------------------------------------------------------------- ticks

type TickUnit = 'hour' | 'day' | 'month' | 'year';
const TICK_STEPS: { unit: TickUnit; n: number; approx: number }[] = [
  { unit: 'hour', n: 1, approx: HOUR },
  { unit: 'hour', n: 3, approx: 3 * HOUR },
  { unit: 'hour', n: 6, approx: 6 * HOUR },
  { unit: 'hour', n: 12, approx: 12 * HOUR },
  { unit: 'day', n: 1, approx: DAY },
  { unit: 'day', n: 2, approx: 2 * DAY },
  { unit: 'day', n: 7, approx: 7 * DAY },
  { unit: 'day', n: 14, approx: 14 * DAY },
  { unit: 'month', n: 1, approx: YEAR / 12 },
  { unit: 'month', n: 3, approx: YEAR / 4 },
  { unit: 'month', n: 6, approx: YEAR / 2 },
  { unit: 'year', n: 1, approx: YEAR },
  { unit: 'year', n: 2, approx: 2 * YEAR },
  { unit: 'year', n: 5, approx: 5 * YEAR },
  { unit: 'year', n: 10, approx: 10 * YEAR },
  { unit: 'year', n: 25, approx: 25 * YEAR },
  { unit: 'year', n: 50, approx: 50 * YEAR },
  { unit: 'year', n: 100, approx: 100 * YEAR },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface Tick {
  t: number;
  x: number;
  label: string;
}

function tickLabel(t: number, unit: TickUnit): string {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = MONTHS[d.getUTCMonth()]!;
  switch (unit) {
    case 'year':
      return String(y);
    case 'month':
      return `${m} ${y}`;
    case 'day':
      return `${d.getUTCDate()} ${m} ${y}`;
    case 'hour':
      return `${d.getUTCDate()} ${m} ${String(d.getUTCHours()).padStart(2, '0')}:00`;
  }
}

function alignDown(t: number, unit: TickUnit, n: number): number {
  const d = new Date(t);
  switch (unit) {
    case 'year': {
      const y = Math.floor(d.getUTCFullYear() / n) * n;
      return Date.UTC(y, 0, 1);
    }
    case 'month': {
      const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
      const aligned = Math.floor(months / n) * n;
      return Date.UTC(Math.floor(aligned / 12), aligned % 12, 1);
    }
    case 'day': {
      const days = Math.floor(t / DAY);
      return Math.floor(days / n) * n * DAY;
    }
    case 'hour':
      return Math.floor(t / (n * HOUR)) * n * HOUR;
  }
}

function advance(t: number, unit: TickUnit, n: number): number {
  const d = new Date(t);
  switch (unit) {
    case 'year':
      return Date.UTC(d.getUTCFullYear() + n, 0, 1);
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
    case 'day':
      return t + n * DAY;
    case 'hour':
      return t + n * HOUR;
  }
}

/** Calendar-aligned ticks (UTC) at least `minSpacing` pixels apart, with labels suited to the step. */
export function axisTicks(view: TimeView, minSpacing = 90): Tick[] {
  const span = view.end - view.start;
  if (!(span > 0) || view.width <= 0) return [];
  const step = TICK_STEPS.find((s) => (s.approx / span) * view.width >= minSpacing) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const ticks: Tick[] = [];
  let t = alignDown(view.start, step.unit, step.n);
  const limit = Math.ceil(view.width / Math.max(1, minSpacing * 0.5)) + 4;
  while (t <= view.end && ticks.length < limit) {
    if (t >= view.start) ticks.push({ t, x: timeToX(view, t), label: tickLabel(t, step.unit) });
    const next = advance(t, step.unit, step.n);
    if (!(next > t)) break;
    t = next;
  }
  return ticks;
}

// ---------------------------------------------------------------------------------------------------- event index

export interface TimelineEventLike {
  category: string;
  start?: string;
  end?: string;
}

/** The events of one lane sorted by start time, as typed arrays. */
export interface LaneEvents {
  category: string;
  /** Start times (ms), ascending. */
  t0: Float64Array;
  /** End times (ms); equal to t0 for point events. */
  t1: Float64Array;
  /** Index of each event in the original item list. */
  item: Int32Array;
  /** Longest duration in the lane, to widen the binary search for ranged events that began before the window. */
  maxDuration: number;
}

export interface TimelineIndex {
  lanes: LaneEvents[];
  /** Indexes of items without a usable date (listed below the axis). */
  undated: number[];
  /** Earliest start and latest end over all dated events (NaN when none). */
  min: number;
  max: number;
  dated: number;
}

/**
 * Builds the lane index. `lanes` gives the lane order; events of a category not listed go to the last lane
 * ("other") when present, else are left out.
 */
export function buildTimelineIndex(items: readonly TimelineEventLike[], lanes: readonly string[]): TimelineIndex {
  const buckets = lanes.map(() => [] as { t0: number; t1: number; i: number }[]);
  const laneOf = new Map(lanes.map((c, i) => [c, i]));
  const fallback = laneOf.get('other');
  const undated: number[] = [];
  let min = Infinity;
  let max = -Infinity;
  items.forEach((item, i) => {
    const lane = laneOf.get(item.category) ?? fallback;
    const t0 = parseFhirDate(item.start);
    if (t0 === undefined) {
      // An event with only an end date sits at its end.
      const tEnd = parseFhirDate(item.end);
      if (tEnd === undefined) {
        undated.push(i);
        return;
      }
      if (lane === undefined) return;
      buckets[lane]!.push({ t0: tEnd, t1: tEnd, i });
      min = Math.min(min, tEnd);
      max = Math.max(max, tEnd);
      return;
    }
    if (lane === undefined) return;
    const endParsed = item.end ? parseFhirDateEnd(item.end) : undefined;
    const t1 = endParsed !== undefined && endParsed > t0 ? endParsed : t0;
    buckets[lane]!.push({ t0, t1, i });
    min = Math.min(min, t0);
    max = Math.max(max, t1);
  });
  let dated = 0;
  const laneEvents = buckets.map((bucket, li): LaneEvents => {
    bucket.sort((a, b) => a.t0 - b.t0 || a.t1 - b.t1 || a.i - b.i);
    const t0 = new Float64Array(bucket.length);
    const t1 = new Float64Array(bucket.length);
    const item = new Int32Array(bucket.length);
    let maxDuration = 0;
    bucket.forEach((e, k) => {
      t0[k] = e.t0;
      t1[k] = e.t1;
      item[k] = e.i;
      maxDuration = Math.max(maxDuration, e.t1 - e.t0);
    });
    dated += bucket.length;
    return { category: lanes[li]!, t0, t1, item, maxDuration };
  });
  return { lanes: laneEvents, undated, min: dated ? min : NaN, max: dated ? max : NaN, dated };
}

/** First index k with a[k] >= value (a ascending). */
export function lowerBound(a: Float64Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index k with a[k] > value (a ascending). */
export function upperBound(a: Float64Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index range [from, to) of a lane's events that may overlap [start, end]: those starting before `end` and
 * not before `start - maxDuration`. Callers still skip ranged events that ended before `start`.
 */
export function visibleRange(lane: LaneEvents, start: number, end: number): [number, number] {
  return [lowerBound(lane.t0, start - lane.maxDuration), upperBound(lane.t0, end)];
}

// ----------------------------------------------------------------------------------------------- layout, hit-test

export interface TimelineLayout {
  /** Height of the axis band above the lanes. */
  axisHeight: number;
  laneHeight: number;
  laneCount: number;
}

export function laneTop(layout: TimelineLayout, lane: number): number {
  return layout.axisHeight + lane * layout.laneHeight;
}

export function laneCenter(layout: TimelineLayout, lane: number): number {
  return laneTop(layout, lane) + layout.laneHeight / 2;
}

export function laneAtY(layout: TimelineLayout, y: number): number | undefined {
  if (y < layout.axisHeight) return undefined;
  const lane = Math.floor((y - layout.axisHeight) / layout.laneHeight);
  return lane >= 0 && lane < layout.laneCount ? lane : undefined;
}

export function plotHeight(layout: TimelineLayout): number {
  return layout.axisHeight + layout.laneCount * layout.laneHeight;
}

export interface Hit {
  /** Index of the event in the original item list. */
  item: number;
  lane: number;
  /** Distance in pixels from the pointer to the event's mark (0 inside a bar). */
  distance: number;
}

/**
 * The event under the pointer: in the lane under `y`, the nearest mark within `radius` pixels (point events are
 * marks at their time, ranged events bars from start to end). Ties go to the later event, drawn on top.
 */
export function hitTest(index: TimelineIndex, layout: TimelineLayout, view: TimeView, x: number, y: number, radius = 6): Hit | undefined {
  const lane = laneAtY(layout, y);
  if (lane === undefined) return undefined;
  const events = index.lanes[lane];
  if (!events || events.t0.length === 0) return undefined;
  const tLo = xToTime(view, x - radius);
  const tHi = xToTime(view, x + radius);
  const [from, to] = visibleRange(events, tLo, tHi);
  let best: Hit | undefined;
  for (let k = from; k < to; k++) {
    const t1 = events.t1[k]!;
    if (t1 < tLo) continue;
    const x0 = timeToX(view, events.t0[k]!);
    const x1 = timeToX(view, t1);
    const distance = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    if (distance <= radius && (!best || distance <= best.distance)) best = { item: events.item[k]!, lane, distance };
  }
  return best;
}

export interface PlacedEvent {
  item: number;
  lane: number;
  t0: number;
  x: number;
  y: number;
}

/**
 * The events in view, in time order, at most `limit` (for the keyboard-accessible list beside the canvas and for
 * tests that click an event at its drawn position).
 */
export function eventsInView(index: TimelineIndex, layout: TimelineLayout, view: TimeView, limit = 200): { events: PlacedEvent[]; total: number } {
  const events: PlacedEvent[] = [];
  let total = 0;
  index.lanes.forEach((lane, li) => {
    const [from, to] = visibleRange(lane, view.start, view.end);
    for (let k = from; k < to; k++) {
      const t0 = lane.t0[k]!;
      const t1 = lane.t1[k]!;
      if (t1 < view.start) continue;
      total++;
      // Where a click hits the mark: its start, or the visible part's middle for a bar that began off-screen.
      const x = t0 >= view.start ? timeToX(view, t0) : timeToX(view, (Math.max(t0, view.start) + Math.min(t1, view.end)) / 2);
      events.push({ item: lane.item[k]!, lane: li, t0, x, y: laneCenter(layout, li) });
    }
  });
  events.sort((a, b) => a.t0 - b.t0 || a.lane - b.lane);
  return { events: events.slice(0, limit), total };
}

/**
 * The first window a user sees: the stretch that holds the bulk of the history. A birth date or an old comorbidity
 * decades before the oncologic care would otherwise squeeze every other event into a few pixels; the window starts
 * at the 10th percentile of start times (all events when there are fewer than 20) and ends at the last event.
 * "Fit all" shows everything.
 */
export function initialView(index: TimelineIndex, width: number, lowQuantile = 0.1): TimeView {
  if (index.dated < 20) return fitView(index.min, index.max, width);
  const starts = new Float64Array(index.dated);
  let n = 0;
  for (const lane of index.lanes) {
    starts.set(lane.t0, n);
    n += lane.t0.length;
  }
  starts.sort();
  const lo = starts[Math.floor(lowQuantile * (starts.length - 1))]!;
  return fitView(lo, index.max, width);
}
