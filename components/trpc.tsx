'use client';
// The typed API client for React, over the page's Transport (or plain HTTP before login).
import { createTRPCClientProxy, createTRPCUntypedClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { useState, type ReactNode } from 'react';
import { MAX_CALLS_PER_BATCH } from '@/lib/limits.ts';
import type { AppRouter } from '@/server/router.ts';
import { ApiContext, makeUtils, type ApiRuntime } from './api/hooks.ts';
import { QueryCache } from './api/query-cache.ts';
import { isUnauthorized, Transport, wireTransformer } from './transport.ts';

export { trpc, type ApiError } from './api/hooks.ts';

export function TrpcProvider({ children, transport }: { children: ReactNode; transport?: Transport }) {
  const [api] = useState((): ApiRuntime => {
    const onError = (err: unknown) => transport?.reportError(err);
    const link = transport ? transport.link : httpBatchLink({ url: '/api/trpc', transformer: wireTransformer, maxItems: MAX_CALLS_PER_BATCH });
    const client = createTRPCUntypedClient<AnyRouter>({ links: [link as never] });
    const cache = new QueryCache((path, input) => client.query(path, input), {
      staleTime: 10_000,
      retry: (failures, err) => failures < 1 && !isUnauthorized(err),
    }, onError);
    return { cache, client, onError, utils: makeUtils(cache, createTRPCClientProxy(client) as TRPCClient<AppRouter>) };
  });
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export { errorMessage } from '@/lib/api-errors.ts';
