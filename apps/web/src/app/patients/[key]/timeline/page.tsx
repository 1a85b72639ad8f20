import type { Metadata } from 'next';
import { TimelineView } from '../../../../components/timeline/TimelineView';
import { keyFromParam } from '../../../../lib/routes';

export const metadata: Metadata = { title: 'Timeline' };

export default async function TimelinePage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <TimelineView patientKey={keyFromParam(key)} />;
}
