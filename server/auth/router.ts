// Auth procedures: registration, and API tokens for scripts (browsers log in through next-auth).
import { loginInput, registerInput } from '../../lib/schemas.ts';
import { publicProcedure, router } from '../trpc.ts';
import { createApiToken, register } from './service.ts';

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(({ input }) => register(input)),
  createToken: publicProcedure.input(loginInput).mutation(({ input }) => createApiToken(input)),
});
