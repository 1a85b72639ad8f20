import type { Metadata } from 'next';
import { BoardPacket } from '../../../../components/boards/BoardPacket';
import { keyFromParam } from '../../../../lib/routes';

export const metadata: Metadata = { title: 'Board packet' };

export default async function PacketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <BoardPacket boardId={keyFromParam(id)} />;
}
