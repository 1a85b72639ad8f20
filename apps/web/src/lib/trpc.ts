'use client';
/**
 * The typed tRPC client of the web app. Types come from the API's router (type-only import: no server code reaches
 * the browser); calls go same-origin to /api/trpc, which the Next server forwards to the API.
 */
import type { AppRouter } from '@oncoboard/api-router';
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { CSRF_HEADER, csrfToken } from './auth-client';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const TRPC_PATH = '/api/trpc';

export function makeTrpcClient() {
  const url = typeof window === 'undefined' ? `http://127.0.0.1${TRPC_PATH}` : `${window.location.origin}${TRPC_PATH}`;
  // Read per call: the token changes when the user signs in again.
  const headers = (): Record<string, string> => {
    const token = csrfToken();
    return token ? { [CSRF_HEADER]: token } : {};
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // Uploads can be large: one request each, never batched with queries.
        condition: (op) => op.type === 'mutation',
        true: httpLink({ url, headers }),
        false: httpBatchLink({ url, maxURLLength: 4000, headers }),
      }),
    ],
  });
}
