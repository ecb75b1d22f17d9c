// Contacts procedures: the contact list, and blocking.
import { addContactInput, personInput } from '../../lib/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';
import { addContact, block, listBlocked, listContacts, removeContact, unblock } from './service.ts';

export const contactsRouter = router({
  list: authedProcedure.query(({ ctx }) => listContacts(ctx.userId)),
  add: authedProcedure.input(addContactInput).mutation(({ ctx, input }) => addContact(ctx.userId, input.username)),
  remove: authedProcedure.input(personInput).mutation(({ ctx, input }) => removeContact(ctx.userId, input.userId)),
  blocked: authedProcedure.query(({ ctx }) => listBlocked(ctx.userId)),
  block: authedProcedure.input(personInput).mutation(({ ctx, input }) => block(ctx.userId, input.userId)),
  unblock: authedProcedure.input(personInput).mutation(({ ctx, input }) => unblock(ctx.userId, input.userId)),
});
