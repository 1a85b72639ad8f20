import type { Metadata } from 'next';
import { ModelsList } from '../../components/model/ModelsList';

export const metadata: Metadata = { title: 'Models' };

export default function ModelsPage() {
  return <ModelsList />;
}
