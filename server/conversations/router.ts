// Conversations procedures: the inbox, one conversation and its members, and opening a direct chat.
import { inboxInput, muteInput, openDirectInput } from '../../lib/schemas.ts';
import { authedProcedure, memberProcedure, readerProcedure, router } from '../trpc.ts';
import { getConversation, listInbox, listMembers, openDirect, setMute } from './service.ts';

export const conversationsRouter = router({
  list: authedProcedure.input(inboxInput).query(({ ctx, input }) => listInbox(ctx.userId, input)),
  get: readerProcedure.query(({ ctx, input }) => getConversation(ctx.userId, input.conversationId)),
  members: readerProcedure.query(({ ctx, input }) => listMembers(input.conversationId, ctx.range)),
  mute: memberProcedure.input(muteInput).mutation(({ ctx, input }) => setMute(ctx.userId, input.conversationId, input.duration)),
  openDirect: authedProcedure.input(openDirectInput).mutation(({ ctx, input }) => openDirect(ctx.userId, input.username)),
});
