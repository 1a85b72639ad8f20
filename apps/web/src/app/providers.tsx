'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { SIGN_IN_PATH, signInUrl } from '../lib/auth-client';
import { makeTrpcClient, TRPCProvider } from '../lib/trpc';

function httpStatusOf(error: unknown): number | undefined {
  return (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
}

/** A call answered 401 (no session, or it expired): back to the sign-in page, returning here afterwards. */
function toSignInWhenUnauthorized(error: unknown): void {
  if (httpStatusOf(error) !== 401 || typeof window === 'undefined') return;
  if (window.location.pathname === SIGN_IN_PATH) return;
  window.location.assign(signInUrl(`${window.location.pathname}${window.location.search}`));
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: toSignInWhenUnauthorized }),
        mutationCache: new MutationCache({ onError: toSignInWhenUnauthorized }),
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // A missing patient or record is an answer, not a hiccup: do not retry 4xx errors.
            retry: (failures, error) => {
              const status = httpStatusOf(error);
              if (status && status >= 400 && status < 500) return false;
              return failures < 2;
            },
          },
        },
      }),
  );
  const [trpcClient] = useState(() => makeTrpcClient());
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
