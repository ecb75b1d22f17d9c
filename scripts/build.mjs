// Production build: the Prisma client, Next's build, and our server bundled with esbuild beside it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { buildFingerprint } from './fingerprint.mjs';

const require = createRequire(import.meta.url);
const step = (label) => console.log(`\n▶ ${label}`);
function run(args, env = {}) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const fingerprint = buildFingerprint();
step('Generating the database client');
run(['scripts/prisma-generate.mjs']);
step('Building the web app (next build)');
run([require.resolve('next/dist/bin/next'), 'build'], { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' });
step('Bundling the server');
await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  // The bundle is the production server: without NODE_ENV it must not start Next in development mode.
  banner: { js: "process.env.NODE_ENV ??= 'production';" },
});
writeFileSync('dist/build.json', JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }));
console.log('✔ Build complete');
