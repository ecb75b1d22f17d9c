'use client';
// The typed API client for React, over the page's Transport (or plain HTTP before login).
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink, type TRPCClientErrorLike } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import { MAX_CALLS_PER_BATCH } from '@/lib/limits.ts';
import type { AppRouter } from '@/server/router.ts';
import { isUnauthorized, Transport } from './transport.ts';

export const trpc = createTRPCReact<AppRouter>();
export type ApiError = TRPCClientErrorLike<AppRouter>;

export function TrpcProvider({ children, transport }: { children: ReactNode; transport?: Transport }) {
  const [queryClient] = useState(() => {
    const onError = (err: unknown) => transport?.reportError(err);
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: (failures, err) => failures < 1 && !isUnauthorized(err) } },
    });
  });
  const [client] = useState(() =>
    trpc.createClient({ links: [transport ? transport.link : httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: MAX_CALLS_PER_BATCH })] }),
  );
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

export { errorMessage } from '@/lib/api-errors.ts';
