import type { Metadata } from 'next';
import { ReportsView } from '../../../../components/ReportsView';
import { keyFromParam } from '../../../../lib/routes';

export const metadata: Metadata = { title: 'Pathology reports' };

export default async function ReportsPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <ReportsView patientKey={keyFromParam(key)} />;
}
