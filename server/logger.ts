// The structured logger: one root pino logger; modules and connections take children of it.
import pino from 'pino';
import { env } from './env.ts';

export const logger = pino({ level: env.LOG_LEVEL, base: { pid: process.pid } });
