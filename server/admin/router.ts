// Administration procedures (admins only): registration and invite links, accounts, the instance's figures.
import { adminUsersInput, createInviteInput, inviteIdInput, setAdminInput, setDisabledInput, setRegistrationInput, userIdInput } from '../../lib/schemas.ts';
import { createResetLink } from '../auth/password-reset.ts';
import { env } from '../env.ts';
import { adminProcedure, router } from '../trpc.ts';
import { createInvite, deleteUser, instanceFigures, listInvites, listUsers, revokeInvite, setAdmin, setDisabled, setRegistration } from './service.ts';

/** Where an invite's code is used: the registration page, with it filled in. */
export const inviteUrl = (code: string) => `${env.publicUrl}/register?invite=${encodeURIComponent(code)}`;

export const adminRouter = router({
  figures: adminProcedure.query(() => instanceFigures()),
  setRegistration: adminProcedure.input(setRegistrationInput).mutation(({ input }) => setRegistration(input.mode)),
  invites: adminProcedure.query(() => listInvites()),
  createInvite: adminProcedure.input(createInviteInput).mutation(async ({ ctx, input }) => {
    const { code, invite } = await createInvite(ctx.userId, input);
    return { code, url: inviteUrl(code), invite };
  }),
  revokeInvite: adminProcedure.input(inviteIdInput).mutation(({ input }) => revokeInvite(input.inviteId)),
  users: adminProcedure.input(adminUsersInput).query(({ input }) => listUsers(input)),
  setDisabled: adminProcedure.input(setDisabledInput).mutation(({ ctx, input }) => setDisabled(ctx.userId, input.userId, input.disabled)),
  createResetLink: adminProcedure.input(userIdInput).mutation(({ ctx, input }) => createResetLink(ctx.userId, input.userId)),
  deleteUser: adminProcedure.input(userIdInput).mutation(({ ctx, input }) => deleteUser(ctx.userId, input.userId)),
  setAdmin: adminProcedure.input(setAdminInput).mutation(({ ctx, input }) => setAdmin(ctx.userId, input.userId, input.admin)),
});
