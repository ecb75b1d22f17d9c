// Per test file, before it imports server code: settings server/env.ts reads at import.
import { inject } from 'vitest';

process.env.DATABASE_URL = inject('databaseUrl');
process.env.DATA_DIR = inject('dataDir');
process.env.LOG_LEVEL = 'silent';
process.env.PUSH_ALLOW_LOCAL_ENDPOINTS = 'true'; // the tests' push service runs on loopback
// Each worker is its own "instance": a distinct Snowflake node id keeps message ids from colliding
// between workers writing to the one database (ids 1000+ are left for tests that make their own).
process.env.NODE_ID = String(Number(process.env.VITEST_POOL_ID ?? 0) % 1000);
// Media limits small enough to test with small files (server/media).
process.env.MEDIA_MAX_IMAGE_MB = '1';
process.env.MEDIA_MAX_AUDIO_MB = '1';
process.env.MEDIA_MAX_VIDEO_MB = '2';
process.env.MEDIA_MAX_FILE_MB = '2';
process.env.MEDIA_QUOTA_MB = '3';
