import type { Metadata } from 'next';
import { BoardsList } from '../../components/boards/BoardsList';

export const metadata: Metadata = { title: 'Tumor boards' };

export default function BoardsPage() {
  return <BoardsList />;
}
