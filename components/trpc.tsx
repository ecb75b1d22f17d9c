'use client';
// The typed API client for React, over the page's Transport (or plain HTTP before login).
import { createTRPCClientProxy, createTRPCUntypedClient, type TRPCClient } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '@/server/router.ts';
import { ApiContext, makeUtils, type ApiRuntime } from './api/hooks.ts';
import { QueryCache } from './api/query-cache.ts';
import { apiHttpLink, isUnauthorized, Transport } from './transport.ts';

export { trpc, type ApiError } from './api/hooks.ts';

export function TrpcProvider({ children, transport }: { children: ReactNode; transport?: Transport }) {
  const [api] = useState((): ApiRuntime => {
    const onError = (err: unknown) => transport?.reportError(err);
    const link = transport ? transport.link : apiHttpLink();
    const client = createTRPCUntypedClient<AppRouter>({ links: [link] });
    const cache = new QueryCache((path, input) => client.query(path, input), {
      staleTime: 10_000,
      retry: (failures, err) => failures < 1 && !isUnauthorized(err),
    }, onError);
    return { cache, client, onError, utils: makeUtils(cache, createTRPCClientProxy(client) as TRPCClient<AppRouter>) };
  });
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export { errorMessage } from '@/lib/api-errors.ts';
