import { TRPCError } from '@trpc/server';

/**
 * Runs a paged store read. The store refuses a cursor it did not return with a RangeError that quotes it; the caller
 * gets BAD_REQUEST without the cursor (a patient-list cursor holds a patient's sort name).
 */
export async function readPage<T>(cursor: string | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RangeError) throw new TRPCError({ code: 'BAD_REQUEST', message: cursor !== undefined ? 'cursor: expected the nextCursor of a previous page' : error.message });
    throw error;
  }
}
