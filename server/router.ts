// The API: one router per domain, merged. AppRouter is the type clients import.
import { authRouter } from './auth/router.ts';
import { conversationsRouter } from './conversations/router.ts';
import { groupsRouter } from './groups/router.ts';
import { messagesRouter } from './messages/router.ts';
import { presenceRouter } from './presence/router.ts';
import { pushRouter } from './push/router.ts';
import { receiptsRouter } from './receipts/router.ts';
import { syncRouter } from './sync/router.ts';
import { createCallerFactory, router } from './trpc.ts';
import { typingRouter } from './typing/router.ts';
import { usersRouter } from './users/router.ts';
import { contactsRouter } from './contacts/router.ts';
import { adminRouter } from './admin/router.ts';
import { mediaRouter } from './media/router.ts';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  contacts: contactsRouter,
  admin: adminRouter,
  conversations: conversationsRouter,
  groups: groupsRouter,
  messages: messagesRouter,
  media: mediaRouter,
  receipts: receiptsRouter,
  presence: presenceRouter,
  push: pushRouter,
  sync: syncRouter,
  typing: typingRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
