import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PatientList } from '../components/PatientList';
import { Loading } from '../components/ui';

export const metadata: Metadata = { title: 'Patients' };

export default function PatientsPage() {
  return (
    <Suspense fallback={<Loading label="Loading patients…" />}>
      <PatientList />
    </Suspense>
  );
}
