import type { Metadata } from 'next';
import { GenomicsView } from '../../../../components/GenomicsView';
import { keyFromParam } from '../../../../lib/routes';

export const metadata: Metadata = { title: 'Genomics' };

export default async function GenomicsPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <GenomicsView patientKey={keyFromParam(key)} />;
}
