// Users procedures: who am I, my profile, another's profile, and search by username or name.
import { searchUsersInput, updateProfileInput, userProfileInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { getMe, getProfile, searchUsers, updateProfile } from './service.ts';

export const usersRouter = router({
  me: authedProcedure.query(({ ctx }) => getMe(ctx.userId)),
  updateProfile: authedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx.userId, input)),
  profile: authedProcedure.input(userProfileInput).query(({ ctx, input }) => getProfile(ctx.userId, input.userId)),
  search: authedProcedure.input(searchUsersInput).query(({ ctx, input }) => searchUsers(ctx.userId, input.query)),
});
