import type { Metadata } from 'next';
import { BoardAgenda } from '../../../components/boards/BoardAgenda';
import { keyFromParam } from '../../../lib/routes';

export const metadata: Metadata = { title: 'Tumor board' };

export default async function BoardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <BoardAgenda boardId={keyFromParam(id)} />;
}
