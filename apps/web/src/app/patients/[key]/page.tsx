import type { Metadata } from 'next';
import { PatientOverview } from '../../../components/PatientOverview';
import { keyFromParam } from '../../../lib/routes';

export const metadata: Metadata = { title: 'Patient overview' };

export default async function PatientPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <PatientOverview patientKey={keyFromParam(key)} />;
}
