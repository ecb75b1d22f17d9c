// The only reader of process.env: parses Parley's settings once, with defaults, and fails fast.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nextEnv from '@next/env';
import { z } from 'zod';
import { P256_PUBLIC_KEY } from '../lib/schemas.ts';

// Next reads .env only inside app.prepare(); our server needs it before anything else.
nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== 'production', { info: () => {}, error: console.error });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  NODE_ID: z.coerce.number().int().min(0).max(1023).optional(),
  GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(100_000).default(500),
  VAPID_PUBLIC_KEY: z.string().regex(P256_PUBLIC_KEY, 'VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (87 characters)').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}=?$/, 'VAPID_PRIVATE_KEY must be a URL-safe base64 P-256 private key (43 characters)').optional(),
  // For tests with a push service on this machine: accept http and loopback push endpoints.
  PUSH_ALLOW_LOCAL_ENDPOINTS: z.stringbool().default(false),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)\S+$/, 'VAPID_SUBJECT must be a mailto: or https: URL').optional(),
  PRESENCE_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  // A committed message reaches every connected member within this many seconds even if its live event was lost.
  DELIVERY_HEAL_S: z.coerce.number().int().min(3).max(3600).default(60),
  // Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry (the proxy's).
  TRUST_PROXY: z.stringbool().default(false),
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  SEND_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  // Call units one account (or, before login, one address) may spend per second on an instance (server/http/call-budget.ts).
  CALLS_PER_SECOND_PER_USER: z.coerce.number().int().min(10).default(200),
  // Media (server/media): the largest upload of each kind and what one account may store, in MB.
  MEDIA_MAX_IMAGE_MB: z.coerce.number().min(0.1).default(16),
  MEDIA_MAX_VIDEO_MB: z.coerce.number().min(0.1).default(64),
  MEDIA_MAX_AUDIO_MB: z.coerce.number().min(0.1).default(16),
  MEDIA_MAX_FILE_MB: z.coerce.number().min(0.1).default(100),
  MEDIA_QUOTA_MB: z.coerce.number().min(1).default(2048),
  // An S3-compatible store for media, shared by every instance (unset: files under DATA_DIR/media).
  MEDIA_S3_BUCKET: z.string().min(1).optional(),
  MEDIA_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // Bucket in the path, as MinIO and most self-hosted stores want (default: when an endpoint is set).
  MEDIA_S3_FORCE_PATH_STYLE: z.stringbool().optional(),
  MEDIA_S3_PREFIX: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).refine((e) => !e.VAPID_PUBLIC_KEY === !e.VAPID_PRIVATE_KEY, {
  message: 'Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither (a pair is then generated)',
  path: ['VAPID_PRIVATE_KEY'],
});

export type Env = z.infer<typeof envSchema> & { publicUrl: string; dataDir: string };

function parseEnv(): Env {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    ...e,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
  };
}

export const env: Env = parseEnv();

function writeExclusive(file: string, content: string): void {
  try {
    writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A secret kept in a file under the data directory, made by `make` the first time it is asked for. */
function generatedOnce(name: string, make: () => string): string {
  const file = path.join(env.dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(env.dataDir, { recursive: true });
    // Written whole under another name, then linked into place: two processes starting at once
    // keep the first one's secret, and neither can read a half-written file.
    const content = make();
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, content, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A file system without hard links: an exclusive create is the next best thing.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') writeExclusive(file, content);
      else if (code !== 'EEXIST') throw err;
    } finally {
      rmSync(draft, { force: true });
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** The secret that signs sessions: AUTH_SECRET, else one generated once under the data directory. */
export function authSecret(): string {
  return env.AUTH_SECRET ?? generatedOnce('auth-secret', () => randomBytes(32).toString('base64url'));
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * The keys that sign web pushes: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, else a pair generated once
 * under the data directory. Every instance must use the same pair: browsers' subscriptions are
 * bound to its public key.
 */
export function vapidKeys(generate: () => { publicKey: string; privateKey: string }): VapidKeys {
  const subject = env.VAPID_SUBJECT ?? (env.publicUrl.startsWith('https://') ? env.publicUrl : 'mailto:parley@localhost');
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  const stored = JSON.parse(generatedOnce('vapid.json', () => JSON.stringify(generate()))) as { publicKey: string; privateKey: string };
  return { ...stored, subject };
}

/**
 * Hands the resolved settings to the libraries that read process.env themselves
 * (next-auth, and Next's own bundle of our modules), once the database is known.
 */
export function publishResolvedEnv(databaseUrl: string): void {
  env.DATABASE_URL = databaseUrl;
  process.env.DATABASE_URL = databaseUrl;
  process.env.NEXTAUTH_URL = env.publicUrl;
  process.env.NEXTAUTH_SECRET = authSecret();
}
