// Messages procedures: send and history.
import { listMessagesInput, sendMessageInput } from '../../lib/schemas.ts';
import { memberProcedure, router } from '../trpc.ts';
import { listMessages, sendMessage } from './service.ts';

export const messagesRouter = router({
  send: memberProcedure.input(sendMessageInput).mutation(({ ctx, input }) => sendMessage(ctx.userId, input)),
  list: memberProcedure.input(listMessagesInput).query(({ input }) => listMessages(input)),
});
