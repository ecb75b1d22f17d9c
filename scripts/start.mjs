// `npm start`: builds on first run (or when the sources changed), then runs the production server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { buildFingerprint } from './fingerprint.mjs';

function builtFingerprint() {
  try {
    if (!existsSync('.next/BUILD_ID')) return null;
    return JSON.parse(readFileSync('dist/build.json', 'utf8')).fingerprint;
  } catch {
    return null;
  }
}

const built = builtFingerprint();
if (built !== buildFingerprint()) {
  console.log(built ? 'Sources changed since the last build: rebuilding.' : 'First start: building Parley (about a minute).');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log('\n▶ Starting the server');
const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
