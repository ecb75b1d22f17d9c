// Renders the app's PNG icons (manifest, touch icon, notification badge) from their SVGs in Chromium.
// The PNGs are committed; run this after changing app/icon.svg or public/icons/*.svg:
//   node scripts/icons.mjs
import { readFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';

const root = new URL('../', import.meta.url);
const svg = (path) => readFile(new URL(path, root), 'utf8');
const targets = [
  { out: 'public/icons/icon-192.png', from: 'app/icon.svg', size: 192 },
  { out: 'public/icons/icon-512.png', from: 'app/icon.svg', size: 512 },
  { out: 'public/icons/maskable-512.png', from: 'public/icons/maskable.svg', size: 512 },
  { out: 'public/icons/apple-touch-icon.png', from: 'public/icons/maskable.svg', size: 180 },
  { out: 'public/icons/badge-96.png', from: 'public/icons/badge.svg', size: 96 },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const t of targets) {
    await page.setViewportSize({ width: t.size, height: t.size });
    const markup = (await svg(t.from)).replace('<svg ', `<svg width="${t.size}" height="${t.size}" `);
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${markup}`);
    await page.screenshot({ path: new URL(t.out, root).pathname, omitBackground: true });
    console.log(`${t.out} (${t.size} px)`);
  }
} finally {
  await browser.close();
}
