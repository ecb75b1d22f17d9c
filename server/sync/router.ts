// The live event subscription over tRPC (the HTTP fallback's event stream, and in-process callers);
// WebSockets take the same events through server/http/live-socket.ts. What it promises: service.ts.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { eventId, type ServerEvent } from '../../lib/events.ts';
import { authedProcedure, router } from '../trpc.ts';
import { liveEvents } from './service.ts';

/** lastEventId is accepted and ignored: resume goes by the heads sent first, not by a cursor. */
export const syncEventsInput = z.object({ lastEventId: z.string().max(200).nullish() }).optional();

/** The tracked id of an event as the client sees it. */
export const trackedIdOf = (event: ServerEvent) => (event.type === 'sync.heads' ? `h:${Date.now()}` : eventId(event));

export const syncRouter = router({
  events: authedProcedure.input(syncEventsInput).subscription(async function* ({ ctx, signal }) {
    for await (const event of liveEvents(ctx.userId, signal)) yield tracked(trackedIdOf(event), event);
  }),
});
