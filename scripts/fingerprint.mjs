// A fingerprint of everything a production build depends on, to know when `npm start` must rebuild.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const INPUTS = ['app', 'components', 'lib', 'server', 'public', 'prisma', 'next.config.ts', 'tailwind.config.ts',
  'postcss.config.mjs', 'tsconfig.json', 'package-lock.json', 'scripts/build.mjs'];
const SKIP = new Set(['generated', 'node_modules']);

// Paths relative to the checkout: a checkout moved or copied whole keeps its build.
function walk(root, p, out) {
  let st;
  try { st = statSync(path.join(root, p)); } catch { return; }
  if (st.isDirectory()) {
    for (const name of readdirSync(path.join(root, p)).sort()) if (!SKIP.has(name) && !name.endsWith('.test.ts')) walk(root, path.join(p, name), out);
  } else {
    out.push(`${p}:${st.size}:${st.mtimeMs}`);
  }
}

export function buildFingerprint(root = process.cwd()) {
  const entries = [];
  for (const input of INPUTS) walk(root, input, entries);
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}
