// Conversations procedures: the inbox, one conversation and its members, the caller's chat list, and opening a direct chat.
import { clearChatInput, inboxInput, listStateInput, muteInput, openDirectInput } from '../../lib/schemas.ts';
import { authedProcedure, memberProcedure, readerProcedure, router } from '../trpc.ts';
import { clearChat, setListState } from './list-state.ts';
import { getConversation, listInbox, listMembers, openDirect, setMute } from './service.ts';

export const conversationsRouter = router({
  list: authedProcedure.input(inboxInput).query(({ ctx, input }) => listInbox(ctx.userId, input)),
  get: readerProcedure.query(({ ctx, input }) => getConversation(ctx.userId, input.conversationId)),
  members: readerProcedure.query(({ ctx, input }) => listMembers(ctx.userId, input.conversationId, ctx.range)),
  mute: memberProcedure.input(muteInput).mutation(({ ctx, input }) => setMute(ctx.userId, input.conversationId, input.duration)),
  // For current and former members: checked by the service.
  setListState: authedProcedure.input(listStateInput).mutation(({ ctx, input }) => setListState(ctx.userId, input)),
  clear: authedProcedure.input(clearChatInput).mutation(({ ctx, input }) => clearChat(ctx.userId, input.conversationId, input.remove)),
  openDirect: authedProcedure.input(openDirectInput).mutation(({ ctx, input }) => openDirect(ctx.userId, input.username)),
});
