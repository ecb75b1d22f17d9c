// Push procedures: thin; subscriptions, previews and sending live in the service.
import { pushEndpointInput, pushSubscriptionInput, setPushPreviewsInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { deleteSubscription, pushConfig, saveSubscription, setPushPreviews } from './service.ts';

export const pushRouter = router({
  config: authedProcedure.query(() => pushConfig()),
  subscribe: authedProcedure.input(pushSubscriptionInput).mutation(({ ctx, input }) => saveSubscription(ctx.userId, ctx.sessionId, input)),
  unsubscribe: authedProcedure.input(pushEndpointInput).mutation(({ ctx, input }) => deleteSubscription(ctx.userId, input.endpoint)),
  setPreviews: authedProcedure.input(setPushPreviewsInput).mutation(({ ctx, input }) => setPushPreviews(ctx.userId, input.previews)),
});
