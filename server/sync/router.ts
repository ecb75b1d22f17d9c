// The live event subscription: one per connection, heads first, then every event for the user.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { eventId, type ServerEvent } from '../../lib/events.ts';
import { listHeads } from '../conversations/service.ts';
import { metrics } from '../metrics.ts';
import { channels, getBus } from '../realtime/index.ts';
import { openEventStream, RESYNC } from '../realtime/event-stream.ts';
import { authedProcedure, router } from '../trpc.ts';

export const syncRouter = router({
  /**
   * Resume does not trust lastEventId: the server starts listening, then sends the heads of every
   * conversation; the client fetches what it lacks by sequence and drops events it already has.
   */
  events: authedProcedure
    .input(z.object({ lastEventId: z.string().max(200).nullish() }).optional())
    .subscription(async function* ({ ctx, signal }) {
      const stream = openEventStream(getBus(), [channels.user(ctx.userId)], signal);
      const heads = async (): Promise<ServerEvent> => ({ type: 'sync.heads', conversations: await listHeads(ctx.userId) });
      yield tracked(`h:${Date.now()}`, await heads());
      for await (const event of stream) {
        // The bus may have lost events (Redis was away): fresh heads make the client fetch them.
        if (event === RESYNC) {
          yield tracked(`h:${Date.now()}`, await heads());
          continue;
        }
        if (event.type === 'message.new') {
          metrics.messagesDelivered.inc();
          metrics.busLag.observe((Date.now() - event.message.createdAt.getTime()) / 1000);
        }
        yield tracked(eventId(event), event as ServerEvent);
      }
    }),
});
