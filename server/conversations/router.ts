// Conversations procedures: the inbox and opening a direct chat.
import { openDirectInput } from '../../lib/schemas.ts';
import { authedProcedure, memberProcedure, router } from '../trpc.ts';
import { getConversation, listConversations, openDirect } from './service.ts';

export const conversationsRouter = router({
  list: authedProcedure.query(({ ctx }) => listConversations(ctx.userId)),
  get: memberProcedure.query(({ ctx, input }) => getConversation(ctx.userId, input.conversationId)),
  openDirect: authedProcedure.input(openDirectInput).mutation(({ ctx, input }) => openDirect(ctx.userId, input.username)),
});
