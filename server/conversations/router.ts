// Conversations procedures: the inbox, opening a direct chat, reading.
import { markReadInput, openDirectInput } from '../../lib/schemas.ts';
import { authedProcedure, memberProcedure, router } from '../trpc.ts';
import { getConversation, listConversations, markRead, openDirect } from './service.ts';

export const conversationsRouter = router({
  list: authedProcedure.query(({ ctx }) => listConversations(ctx.userId)),
  get: memberProcedure.query(({ ctx, input }) => getConversation(ctx.userId, input.conversationId)),
  openDirect: authedProcedure.input(openDirectInput).mutation(({ ctx, input }) => openDirect(ctx.userId, input.username)),
  markRead: memberProcedure.input(markReadInput).mutation(({ ctx, input }) => markRead(ctx.userId, input.conversationId, input.seq)),
});
