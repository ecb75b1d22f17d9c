// Receipts procedures: acknowledge delivered/read watermarks in batches.
import { ackReceiptsInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { ackReceipts } from './service.ts';

export const receiptsRouter = router({
  ack: authedProcedure.input(ackReceiptsInput).mutation(({ ctx, input }) => ackReceipts(ctx.userId, input)),
});
