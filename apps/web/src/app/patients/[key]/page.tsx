import type { Metadata } from 'next';
import { PatientOverview } from '../../../components/PatientOverview';
import { RiskPanel } from '../../../components/model/RiskPanel';
import { keyFromParam } from '../../../lib/routes';

export const metadata: Metadata = { title: 'Patient overview' };

export default async function PatientPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const patientKey = keyFromParam(key);
  return (
    <div className="space-y-6">
      <PatientOverview patientKey={patientKey} />
      <RiskPanel patientKey={patientKey} />
    </div>
  );
}
