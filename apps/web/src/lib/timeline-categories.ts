import { TIMELINE_CATEGORIES, type TimelineCategory } from '@oncoboard/facts';

export { TIMELINE_CATEGORIES, type TimelineCategory };

/** Lane labels and colours (after the Okabe & Ito colour-blind-safe palette, darkened for contrast on white). */
export const CATEGORY_STYLE: Record<TimelineCategory, { label: string; color: string }> = {
  diagnosis: { label: 'Diagnosis', color: '#c0392b' },
  procedure: { label: 'Procedure', color: '#0072b2' },
  medication: { label: 'Medication', color: '#d55e00' },
  lab: { label: 'Lab', color: '#008a66' },
  imaging: { label: 'Imaging', color: '#7b3fb5' },
  report: { label: 'Report', color: '#55606e' },
  genomics: { label: 'Genomics', color: '#a67c00' },
  encounter: { label: 'Encounter', color: '#0891b2' },
  other: { label: 'Other', color: '#8d6e63' },
};

export function categoryLabel(category: string): string {
  return CATEGORY_STYLE[category as TimelineCategory]?.label ?? category;
}

export function categoryColor(category: string): string {
  return CATEGORY_STYLE[category as TimelineCategory]?.color ?? '#64748b';
}
