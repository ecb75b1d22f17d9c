// Presence procedures: who is online / last seen, and who may see mine.
import { getPresenceInput, setPresenceVisibilityInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { getPresence, setPresenceVisibility } from './service.ts';

export const presenceRouter = router({
  get: authedProcedure.input(getPresenceInput).query(({ ctx, input }) => getPresence(ctx.userId, input.userIds)),
  setVisibility: authedProcedure
    .input(setPresenceVisibilityInput)
    .mutation(({ ctx, input }) => setPresenceVisibility(ctx.userId, input.visibility)),
});
