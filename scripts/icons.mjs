// Renders the app's PNG icons (manifest, touch icon, notification badge) and app/favicon.ico from
// their SVGs in Chromium. The files are committed; run this after changing app/icon.svg or public/icons/*.svg:
//   node scripts/icons.mjs
import { readFile, writeFile } from 'node:fs/promises';
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

/** The sizes browsers pick from /favicon.ico (tabs, bookmarks, the taskbar on Windows). */
const FAVICON_SIZES = [16, 32, 48];

/** An .ico file whose images are PNGs (every browser since IE 9 reads them). */
function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size % 256, entry); // 0 means 256
    header.writeUInt8(size % 256, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

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
  const favicon = [];
  for (const size of FAVICON_SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const markup = (await svg('app/icon.svg')).replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${markup}`);
    favicon.push({ size, data: await page.screenshot({ omitBackground: true }) });
  }
  await writeFile(new URL('app/favicon.ico', root), ico(favicon));
  console.log(`app/favicon.ico (${FAVICON_SIZES.join(', ')} px)`);
} finally {
  await browser.close();
}
