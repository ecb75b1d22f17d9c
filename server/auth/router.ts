// Auth procedures: registration, personal access tokens for scripts, the caller's sessions (signed-in
// browsers and tokens) and password changes. Browsers log in and out through next-auth.
import { changePasswordInput, deleteAccountInput, createAccessTokenInput, createTokenInput, endSessionInput, registerInput, resetPasswordInput, resetTokenInput } from '../../lib/schemas.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';
import { getRegistration } from '../admin/service.ts';
import { resetLinkOwner, resetPassword } from './password-reset.ts';
import { changePassword, createApiToken, deleteOwnAccount, register } from './service.ts';
import { createAccessToken, endSession, endSessions, listSessions } from './sessions.ts';

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(({ ctx, input }) => register(input, ctx.clientAddress)),
  /** Whose password a reset link resets (the reset page's greeting), while it works. */
  resetLink: publicProcedure.input(resetTokenInput).query(({ input }) => resetLinkOwner(input.token)),
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(({ input }) => resetPassword(input)),
  /** How people may register here, for the registration page: 'open', 'invite' or 'closed'. */
  registration: publicProcedure.query(async () => ({ mode: await getRegistration() })),
  createToken: publicProcedure.input(createTokenInput).mutation(({ ctx, input }) => createApiToken(input, ctx.clientAddress)),
  sessions: authedProcedure.query(({ ctx }) => listSessions(ctx.userId, ctx.sessionId)),
  createAccessToken: authedProcedure.input(createAccessTokenInput).mutation(({ ctx, input }) => createAccessToken(ctx.userId, input.name)),
  endSession: authedProcedure.input(endSessionInput).mutation(({ ctx, input }) => endSession(ctx.userId, input.sessionId)),
  endOtherSessions: authedProcedure.mutation(async ({ ctx }) => ({ ended: await endSessions(ctx.userId, { except: ctx.sessionId, kind: 'browser' }) })),
  deleteAccount: authedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => deleteOwnAccount(ctx.userId, input.password, ctx.clientAddress)),
  changePassword: authedProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changePassword(ctx.userId, ctx.sessionId, input, ctx.clientAddress)),
});
