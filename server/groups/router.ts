// Groups procedures: thin; the rules (who may do what, the cap, ownership) live in the service.
import { addMembersInput, conversationIdInput, createGroupInput, memberInput, setGroupPhotoInput, setRoleInput, updateGroupInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { addMembers, createGroup, leaveGroup, removeMember, setGroupPhoto, setRole, updateGroup } from './service.ts';

// Membership is checked by the service, under the group's lock, not by memberProcedure: a check
// before the transaction could be stale by the time the change is written.
export const groupsRouter = router({
  create: authedProcedure.input(createGroupInput).mutation(({ ctx, input }) => createGroup(ctx.userId, input)),
  update: authedProcedure.input(updateGroupInput).mutation(({ ctx, input }) => updateGroup(ctx.userId, input)),
  /** A finished upload of a picture becomes the group's photo (uploadId null removes it); admins only. */
  setPhoto: authedProcedure.input(setGroupPhotoInput).mutation(({ ctx, input }) => setGroupPhoto(ctx.userId, input)),
  addMembers: authedProcedure.input(addMembersInput).mutation(({ ctx, input }) => addMembers(ctx.userId, input)),
  removeMember: authedProcedure.input(memberInput).mutation(({ ctx, input }) => removeMember(ctx.userId, input)),
  setRole: authedProcedure.input(setRoleInput).mutation(({ ctx, input }) => setRole(ctx.userId, input)),
  leave: authedProcedure.input(conversationIdInput).mutation(({ ctx, input }) => leaveGroup(ctx.userId, input.conversationId)),
});
