// Users procedures: who am I, and search by username or name.
import { searchUsersInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { getMe, searchUsers } from './service.ts';

export const usersRouter = router({
  me: authedProcedure.query(({ ctx }) => getMe(ctx.userId)),
  search: authedProcedure.input(searchUsersInput).query(({ ctx, input }) => searchUsers(ctx.userId, input.query)),
});
