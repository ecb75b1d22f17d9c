// Media procedures: turning a finished upload into media a message can carry, the limits, and a chat's media.
import { completeUploadInput, listMediaInput } from '../../lib/schemas.ts';
import { authedProcedure, readerProcedure, router } from '../trpc.ts';
import { completeUpload, listChatMedia, mediaLimits } from './service.ts';

export const mediaRouter = router({
  complete: authedProcedure.input(completeUploadInput).mutation(({ ctx, input }) => completeUpload(ctx.userId, input)),
  limits: authedProcedure.query(({ ctx }) => mediaLimits(ctx.userId)),
  /** A chat's photos, videos, voice notes and files, newest first (its gallery). */
  list: readerProcedure.input(listMediaInput).query(({ ctx, input }) => listChatMedia(ctx.userId, input, ctx.range)),
});
