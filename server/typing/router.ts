// Typing procedures.
import { setTypingInput } from '../../lib/schemas.ts';
import { memberProcedure, router } from '../trpc.ts';
import { setTyping } from './service.ts';

export const typingRouter = router({
  set: memberProcedure.input(setTypingInput).mutation(({ ctx, input }) => setTyping(ctx.userId, input)),
});
