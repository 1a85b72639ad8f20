import type { Metadata } from 'next';
import { ModelVersionPage } from '../../../components/model/ModelVersionView';
import { keyFromParam } from '../../../lib/routes';

export const metadata: Metadata = { title: 'Model' };

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ModelVersionPage id={keyFromParam(id)} />;
}
