// Messages procedures: send, history, and who has a message.
import { listMessagesInput, messageInfoInput, sendMessageInput } from '../../lib/schemas.ts';
import { authedProcedure, readerProcedure, router } from '../trpc.ts';
import { getMessageInfo, listMessages, sendMessage } from './service.ts';

export const messagesRouter = router({
  // Membership is checked by the send's own statement: no query before the send joins its batch.
  send: authedProcedure.input(sendMessageInput).mutation(({ ctx, input }) => sendMessage(ctx.userId, input)),
  list: readerProcedure.input(listMessagesInput).query(({ ctx, input }) => listMessages(input, ctx.range)),
  info: readerProcedure.input(messageInfoInput).query(({ ctx, input }) => getMessageInfo(ctx.userId, input, ctx.range)),
});
