import type { Metadata } from 'next';
import { BoardCasePage } from '../../../../../components/boards/BoardCasePage';
import { keyFromParam } from '../../../../../lib/routes';

export const metadata: Metadata = { title: 'Board case' };

export default async function CasePage({ params }: { params: Promise<{ id: string; caseId: string }> }) {
  const { id, caseId } = await params;
  return <BoardCasePage boardId={keyFromParam(id)} caseId={keyFromParam(caseId)} />;
}
