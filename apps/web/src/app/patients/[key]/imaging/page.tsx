import type { Metadata } from 'next';
import { ImagingView } from '../../../../components/imaging/ImagingView';
import { keyFromParam } from '../../../../lib/routes';

export const metadata: Metadata = { title: 'Imaging' };

export default async function ImagingPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <ImagingView patientKey={keyFromParam(key)} />;
}
