// Messages procedures: send, history, changes (edit, delete for everyone, react), delete for me, search, and who has a message.
import { deleteMessageInput, editMessageInput, hideMessagesInput, listMessagesInput, messageInfoInput, reactInput, searchMessagesInput, sendMessageInput } from '../../lib/schemas.ts';
import { hideMessages } from '../conversations/list-state.ts';
import { authedProcedure, readerProcedure, router } from '../trpc.ts';
import { deleteForEveryone, editMessage, react } from './changes.ts';
import { listMessages } from './history.ts';
import { searchMessages } from './search.ts';
import { getMessageInfo, sendMessage } from './service.ts';

export const messagesRouter = router({
  // Membership is checked by the send's own statement: no query before the send joins its batch.
  send: authedProcedure.input(sendMessageInput).mutation(({ ctx, input }) => sendMessage(ctx.userId, input)),
  list: readerProcedure.input(listMessagesInput).query(({ ctx, input }) => listMessages(ctx.userId, input, ctx.range)),
  info: readerProcedure.input(messageInfoInput).query(({ ctx, input }) => getMessageInfo(ctx.userId, input, ctx.range)),
  // Changes check membership under the conversation's lock, in the service.
  edit: authedProcedure.input(editMessageInput).mutation(({ ctx, input }) => editMessage(ctx.userId, input)),
  delete: authedProcedure.input(deleteMessageInput).mutation(({ ctx, input }) => deleteForEveryone(ctx.userId, input)),
  react: authedProcedure.input(reactInput).mutation(({ ctx, input }) => react(ctx.userId, input)),
  // "Delete for me": for current and former members alike.
  hide: readerProcedure.input(hideMessagesInput).mutation(({ ctx, input }) => hideMessages(ctx.userId, input, ctx.range)),
  // Over every chat of the caller's, or one (then refused like `list` to a non-member).
  search: authedProcedure.input(searchMessagesInput).query(({ ctx, input }) => searchMessages(ctx.userId, input)),
});
