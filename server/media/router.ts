// Media procedures: turning a finished upload into media a message can carry, and the limits.
import { completeUploadInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { completeUpload, mediaLimits } from './service.ts';

export const mediaRouter = router({
  complete: authedProcedure.input(completeUploadInput).mutation(({ ctx, input }) => completeUpload(ctx.userId, input)),
  limits: authedProcedure.query(({ ctx }) => mediaLimits(ctx.userId)),
});
