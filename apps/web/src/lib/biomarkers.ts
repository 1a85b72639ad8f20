/** The order a tumor board reads markers in: the breast receptors and proliferation first, then the rest by name. */
const MARKER_PRIORITY = ['ER', 'PR', 'HER2', 'Ki-67', 'PD-L1', 'MSI', 'TMB'];

/** Sorts markers by board priority, then name, then newest first (stable for equal keys). */
export function sortBiomarkers<T extends { marker: string; date?: string }>(markers: readonly T[]): T[] {
  const rank = (m: string) => {
    const i = MARKER_PRIORITY.findIndex((p) => p.toLowerCase() === m.toLowerCase());
    return i < 0 ? MARKER_PRIORITY.length : i;
  };
  return [...markers].sort(
    (a, b) => rank(a.marker) - rank(b.marker) || a.marker.localeCompare(b.marker) || (b.date ?? '').localeCompare(a.date ?? ''),
  );
}
