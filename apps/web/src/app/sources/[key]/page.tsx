import type { Metadata } from 'next';
import { SourceView } from '../../../components/SourceView';
import { keyFromParam } from '../../../lib/routes';

export const metadata: Metadata = { title: 'Source record' };

export default async function SourcePage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { key } = await params;
  const query = await searchParams;
  const path = Array.isArray(query.path) ? query.path[0] : query.path;
  return <SourceView recordKey={keyFromParam(key)} elementPath={path || undefined} />;
}
