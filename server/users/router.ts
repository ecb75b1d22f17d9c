// Users procedures: who am I, my profile and photo, another's profile, and search by username or name.
import { searchUsersInput, setPhotoInput, updateProfileInput, userProfileInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { getMe, getProfile, removePhoto, searchUsers, setPhoto, updateProfile } from './service.ts';

export const usersRouter = router({
  me: authedProcedure.query(({ ctx }) => getMe(ctx.userId)),
  updateProfile: authedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx.userId, input)),
  /** A finished upload of a picture becomes the profile photo, cropped square (`crop`, else the middle). */
  setPhoto: authedProcedure.input(setPhotoInput).mutation(({ ctx, input }) => setPhoto(ctx.userId, input)),
  removePhoto: authedProcedure.mutation(({ ctx }) => removePhoto(ctx.userId)),
  profile: authedProcedure.input(userProfileInput).query(({ ctx, input }) => getProfile(ctx.userId, input.userId)),
  search: authedProcedure.input(searchUsersInput).query(({ ctx, input }) => searchUsers(ctx.userId, input.query)),
});
