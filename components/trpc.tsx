'use client';
// The typed API client for React: queries over HTTP; mutations and the live subscription over one WebSocket.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createWSClient, httpBatchLink, splitLink, wsLink, type TRPCClientErrorLike } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/router.ts';

export const trpc = createTRPCReact<AppRouter>();
export type ApiError = TRPCClientErrorLike<AppRouter>;

export type ConnectionState = 'connecting' | 'online' | 'offline';

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/trpc-ws`;
}

/** Exponential backoff with jitter, capped at 30 s, so a restarted server is not stampeded. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export function TrpcProvider({
  children,
  realtime,
  onConnectionChange,
}: {
  children: ReactNode;
  /** Signed-in pages use the WebSocket; the login pages have no session to open one with. */
  realtime: boolean;
  onConnectionChange?: (state: ConnectionState) => void;
}) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 } } }),
  );
  const [client] = useState(() => {
    const http = httpBatchLink({ url: '/api/trpc', transformer: superjson });
    if (!realtime) return trpc.createClient({ links: [http] });
    const ws = createWSClient({
      url: wsUrl,
      lazy: { enabled: true, closeMs: 30_000 },
      keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 10_000 },
      retryDelayMs: reconnectDelayMs,
      onOpen: () => onConnectionChange?.('online'),
      onClose: () => onConnectionChange?.('offline'),
    });
    return trpc.createClient({
      links: [splitLink({ condition: (op) => op.type !== 'query', true: wsLink({ client: ws, transformer: superjson }), false: http })],
    });
  });
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

/** The message to show a person for a failed call. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string' && err.message) return err.message;
  return 'Something went wrong. Try again.';
}
