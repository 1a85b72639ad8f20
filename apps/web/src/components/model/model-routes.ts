/** The model pages' URLs; a version id ("clinical-joint-demo@1.0.0") travels as one encoded path segment. */
export function modelVersionHref(id: string): string {
  return `/models/${encodeURIComponent(id)}`;
}

export function modelsHref(): string {
  return '/models';
}
