import { parseFhirDate } from './format';
import { TIMELINE_CATEGORIES } from './timeline-categories';

export interface TimelineSort {
  column: 'date' | 'category' | 'title';
  direction: 'ascending' | 'descending';
}

interface Sortable {
  id: string;
  category: string;
  start?: string;
  title: string;
}

const CATEGORY_ORDER = new Map<string, number>(TIMELINE_CATEGORIES.map((c, i) => [c, i]));

/** Table order: undated events always last; ties broken by date, then title, then id (stable across reloads). */
export function compareTimelineItems(a: Sortable, b: Sortable, sort: TimelineSort): number {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const ta = parseFhirDate(a.start);
  const tb = parseFhirDate(b.start);
  const byDate = () => {
    if (ta === undefined && tb === undefined) return 0;
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return (ta - tb) * sign;
  };
  let primary = 0;
  if (sort.column === 'date') primary = byDate();
  else if (sort.column === 'category') primary = ((CATEGORY_ORDER.get(a.category) ?? 99) - (CATEGORY_ORDER.get(b.category) ?? 99)) * sign;
  else primary = a.title.localeCompare(b.title) * sign;
  if (primary !== 0) return primary;
  if (sort.column !== 'date') {
    const d = ta === undefined ? (tb === undefined ? 0 : 1) : tb === undefined ? -1 : ta - tb;
    if (d !== 0) return d;
  }
  return a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
}
