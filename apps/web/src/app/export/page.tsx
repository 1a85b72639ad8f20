import type { Metadata } from 'next';
import { DeidExportForm } from '../../components/DeidExportForm';

export const metadata: Metadata = { title: 'De-identified export' };

export default function ExportPage() {
  return <DeidExportForm />;
}
