// Conversations procedures: the inbox, one conversation and its members, and opening a direct chat.
import { openDirectInput } from '../../lib/schemas.ts';
import { authedProcedure, readerProcedure, router } from '../trpc.ts';
import { getConversation, listConversations, listMembers, openDirect } from './service.ts';

export const conversationsRouter = router({
  list: authedProcedure.query(({ ctx }) => listConversations(ctx.userId)),
  get: readerProcedure.query(({ ctx, input }) => getConversation(ctx.userId, input.conversationId)),
  members: readerProcedure.query(({ input }) => listMembers(input.conversationId)),
  openDirect: authedProcedure.input(openDirectInput).mutation(({ ctx, input }) => openDirect(ctx.userId, input.username)),
});
