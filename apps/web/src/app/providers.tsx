'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { makeTrpcClient, TRPCProvider } from '../lib/trpc';

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // A missing patient or record is an answer, not a hiccup: do not retry 4xx errors.
            retry: (failures, error) => {
              const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
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
