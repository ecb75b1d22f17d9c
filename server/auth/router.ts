// Auth procedures: registration, and API tokens for scripts (browsers log in through next-auth).
import { loginInput, registerInput } from '../../lib/schemas.ts';
import { publicProcedure, router } from '../trpc.ts';
import { createApiToken, register } from './service.ts';

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(({ ctx, input }) => register(input, ctx.clientAddress)),
  createToken: publicProcedure.input(loginInput).mutation(({ ctx, input }) => createApiToken(input, ctx.clientAddress)),
});
