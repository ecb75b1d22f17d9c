// Upload throughput: files sent as the app sends them (tus in 4 MB chunks, each kept in PostgreSQL,
// then media.complete) to one instance on this machine, one at a time and four at once:
//
//   npm run bench:uploads
//
// - files of BENCH_UPLOAD_FILE_MB (32) MB of random bytes: stored as they are (hashed, copied to the store);
// - photos, 12 megapixels as JPEG: re-encoded upright without metadata, a thumbnail and a blurhash made.
// Figures: MB/s over the whole run and the median time per file, upload and completion apart.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { TusClient } from '../server/test/tus-client.ts';
import { freePort, ServerProcess } from '../server/test/cluster-harness.ts';
import { apiAt, freshDatabase, makeUsers, ms, onCleanup, percentile, runBench, writeResults } from './harness.ts';

const FILE_MB = Number(process.env.BENCH_UPLOAD_FILE_MB ?? 32);
const FILES = Number(process.env.BENCH_UPLOAD_FILES ?? 8);
const PHOTOS = Number(process.env.BENCH_UPLOAD_PHOTOS ?? 16);
const CONCURRENCY = [1, 4];
const CHUNK = 4 * 1024 * 1024;
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 900);

/** A photo-like JPEG: smooth colour with some grain, 4000 × 3000. */
async function photo(seed: number): Promise<Buffer> {
  const small = await sharp(randomBytes(40 * 30 * 3), { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer();
  const grain = sharp(randomBytes(4000 * 3000), { raw: { width: 4000, height: 3000, channels: 1 } }).toColourspace('srgb');
  const base = await sharp(small).resize(4000, 3000, { kernel: 'cubic' }).modulate({ hue: seed * 37 }).toBuffer();
  return sharp(base).composite([{ input: await grain.png().toBuffer(), blend: 'soft-light' }]).jpeg({ quality: 88 }).toBuffer();
}

interface Timing {
  uploadMs: number;
  completeMs: number;
}

async function run(server: ServerProcess, token: string, files: Buffer[], concurrency: number): Promise<{ wallMs: number; timings: Timing[] }> {
  const tus = new TusClient(server.httpUrl, token);
  const api = apiAt(server, token);
  const timings: Timing[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const bytes = files[next++];
        const t0 = performance.now();
        const { id, response } = await tus.create(bytes.length, 'bench.bin');
        if (!id) throw new Error(`upload refused: ${response.status}`);
        for (let offset = 0; offset < bytes.length; offset += CHUNK) {
          const patched = await tus.patch(id, offset, bytes.subarray(offset, offset + CHUNK));
          if (patched.status !== 204) throw new Error(`chunk refused: ${patched.status}`);
        }
        const t1 = performance.now();
        await api.media.complete.mutate({ uploadId: id });
        timings.push({ uploadMs: t1 - t0, completeMs: performance.now() - t1 });
      }
    }),
  );
  return { wallMs: performance.now() - started, timings };
}

async function main(): Promise<number> {
  const databaseUrl = await freshDatabase('parley_uploads');
  const authSecret = randomBytes(32).toString('base64url');
  const [me] = await makeUsers(databaseUrl, 1, authSecret);
  const server = new ServerProcess(await freePort(), {
    DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, NODE_ENV: 'production', LOG_LEVEL: 'error', CALLS_PER_SECOND_PER_USER: '1000000',
    MEDIA_MAX_FILE_MB: String(FILE_MB * 2), MEDIA_QUOTA_MB: '100000',
  });
  await server.start();
  onCleanup(() => server.stop('SIGTERM'));

  const kinds = [
    { name: `files of ${FILE_MB} MB (stored as they are)`, make: () => Promise.all(Array.from({ length: FILES }, () => randomBytes(FILE_MB * 1024 * 1024))) },
    { name: 'photos of 12 MP (cleaned, thumbnail, blurhash)', make: () => Promise.all(Array.from({ length: PHOTOS }, (_, i) => photo(i))) },
  ];
  const rows = [];
  for (const kind of kinds) {
    for (const concurrency of CONCURRENCY) {
      // New bytes each run: the same file twice would be stored once and measure nothing.
      const files = await kind.make();
      const megabytes = files.reduce((n, f) => n + f.length, 0) / 1e6;
      const { wallMs, timings } = await run(server, me.token, files, concurrency);
      const upload = timings.map((t) => t.uploadMs).sort((a, b) => a - b);
      const complete = timings.map((t) => t.completeMs).sort((a, b) => a - b);
      rows.push({
        measure: `${files.length} ${kind.name}, ${concurrency} at once`,
        averageMB: megabytes / files.length,
        mbPerS: megabytes / (wallMs / 1000),
        filesPerS: files.length / (wallMs / 1000),
        uploadP50: percentile(upload, 0.5),
        completeP50: percentile(complete, 0.5),
      });
    }
  }
  console.log('uploads to one instance, tus in 4 MB chunks, then media.complete');
  console.log('');
  console.log('| measure | MB each | MB/s | files/s | upload p50 ms | complete p50 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.measure} | ${r.averageMB.toFixed(1)} | ${r.mbPerS.toFixed(1)} | ${r.filesPerS.toFixed(2)} | ${ms(r.uploadP50)} | ${ms(r.completeP50)} |`);
  }
  writeResults('uploads', { results: rows });
  return 0;
}

await runBench('uploads', DEADLINE_S, main);
