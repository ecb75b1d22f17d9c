// Photos and files between two people: picked, captioned, uploaded with progress, shown at their size
// with a thumbnail, opened full-screen, downloaded; and an upload cut off by going offline half-way
// that goes on from where it stopped.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { formatDuration } from '../lib/media.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { expect, test, type Page } from './fixtures/test.ts';
import { openChatWith, registerThroughApi } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const attach = (page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) => page.getByLabel('Files to attach').setInputFiles(files);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a photo with a caption and a file: sent with progress, seen by Bob at their size, opened full-screen and downloaded', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Photos');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Photos');
  await openChatWith(alice.page, bob);

  // Over the photo limit (16 MB): said at once, nothing uploaded.
  await attach(alice.page, [{ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(16_500_000, 1) }]);
  await expect(alice.page.getByRole('alert').filter({ hasText: '“huge.jpg” is too big to send. Photos can be at most 16 MB.' })).toBeVisible();
  await expect(alice.page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);

  const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3b82f6' } }).jpeg().toBuffer();
  const report = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(20_000)]);
  await attach(alice.page, [
    { name: 'lake.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: report },
  ]);
  const tray = alice.page.getByRole('list', { name: 'Files to send' });
  await expect(tray.getByRole('listitem')).toHaveCount(2);
  await expect(tray.getByRole('img', { name: 'lake.jpg' })).toBeVisible();
  await expect(tray).toContainText('report.pdf');
  const composer = alice.page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toHaveAttribute('placeholder', 'Add a caption');
  await expectAccessible(alice.page);
  await composer.fill('At the lake');
  await composer.press('Enter');
  await expect(tray).toHaveCount(0);

  // Bob: the photo at its shape (4:3) with its caption, then the file with its name and size.
  const bobsChat = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Photos/ });
  await expect(bobsChat).toContainText('📄 report.pdf');
  await bobsChat.click();
  const picture = log(bob.page).getByRole('button', { name: 'Open Photo lake.jpg' });
  await expect(picture).toBeVisible();
  const box = (await picture.boundingBox())!;
  expect(Math.abs(box.width / box.height - 4 / 3)).toBeLessThan(0.02);
  await expect.poll(() => picture.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
  await expect(log(bob.page).locator('li', { has: bob.page.getByRole('button', { name: 'Open Photo lake.jpg' }) })).toContainText('At the lake');
  const file = log(bob.page).locator('li', { hasText: 'report.pdf' });
  await expect(file).toContainText('PDF · 20 KB');

  // Full-screen: the whole photo; Esc closes it and gives the focus back.
  await picture.click();
  const viewer = bob.page.getByRole('dialog', { name: 'Photo' });
  await expect(viewer.getByRole('img', { name: 'Photo lake.jpg' })).toBeVisible();
  await expect.poll(() => viewer.getByRole('img', { name: 'Photo lake.jpg' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);
  await expect(viewer).toContainText('1 of 1');
  await expectAccessible(bob.page);
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(picture).toBeFocused();

  // The file downloads as it was sent.
  const [download] = await Promise.all([bob.page.waitForEvent('download'), file.getByRole('link', { name: 'Download report.pdf' }).click()]);
  expect(download.suggestedFilename()).toBe('report.pdf');
  expect(sha(await readFile((await download.path())!))).toBe(sha(report));
  await expectAccessible(bob.page);

  // The chat's media, from the contact panel: the photo in the grid (the viewer from there too), the file in the list.
  await bob.page.getByRole('button', { name: 'Contact info' }).click();
  await bob.page.getByRole('region', { name: 'Media and files' }).getByRole('button', { name: 'Media and files' }).click();
  const gallery = bob.page.getByRole('complementary', { name: 'Media and files' });
  await gallery.getByRole('region', { name: 'Photos and videos' }).getByRole('button', { name: 'Photo lake.jpg' }).click();
  await expect(bob.page.getByRole('dialog', { name: 'Photo' }).getByRole('img', { name: 'Photo lake.jpg' })).toBeVisible();
  await bob.page.keyboard.press('Escape');
  const files = gallery.getByRole('region', { name: 'Files and voice messages' });
  await expect(files).toContainText('report.pdf');
  await expectAccessible(bob.page);
  await files.getByRole('button', { name: /Show in chat/ }).click();
  await expect(file).toBeInViewport();
});

test('a voice note: recorded from the microphone, sent, and played by Bob with its waveform, at 1.5×', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Voice');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Voice');
  await openChatWith(alice.page, bob);

  // A tap starts a recording that waits for Send (a hold would send on release).
  await alice.page.getByRole('button', { name: 'Record voice message' }).click();
  const recording = alice.page.getByRole('group', { name: 'Recording a voice message' });
  await expect(recording.getByRole('timer')).toHaveText('0:02', { timeout: 5_000 });
  await expectAccessible(alice.page);
  // The note lasts as long as the timer said when Send was pressed (axe above takes its own time).
  const shown = await recording.getByRole('timer').textContent();
  await recording.getByRole('button', { name: 'Send voice message' }).click();
  await expect(recording).toBeHidden();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  const [minutes, seconds] = shown!.split(':').map(Number);
  const length = new RegExp(`(${[0, 1000].map((late) => formatDuration((minutes * 60 + seconds) * 1000 + late)).join('|')})`);

  const row = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Voice/ });
  await expect(row).toContainText(new RegExp(`🎤 Voice message \\(${length.source}\\)`));
  await row.click();
  const note = log(bob.page).locator('li', { has: bob.page.getByRole('img', { name: 'Voice message' }) });
  const position = note.getByRole('slider', { name: 'Voice message position' });
  await expect(position).toHaveAttribute('aria-valuetext', new RegExp(`^0:00 of ${length.source}$`));
  // Its waveform is the recording's: the fake microphone's tone is not silence.
  expect(await position.locator('span').count()).toBeGreaterThan(20);
  await note.getByRole('button', { name: 'Playback speed 1×' }).click();
  await expect(note.getByRole('button', { name: 'Playback speed 1.5×' })).toBeVisible();
  await note.getByRole('button', { name: 'Play voice message' }).click();
  await expect(note.getByRole('button', { name: 'Pause voice message' })).toBeVisible();
  await expect(position).not.toHaveAttribute('aria-valuenow', '0');
  await expectAccessible(bob.page);
});

test('a video made in the browser: sent with the poster its page took and its length; Bob sees both before playing it', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Video');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Video');
  await openChatWith(alice.page, bob);

  // Two seconds of a moving square, recorded by Chromium (a WebM that does not say its own length).
  const webm = Buffer.from(await alice.page.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
    const context = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(100);
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const frame = () => {
        const t = performance.now() - started;
        context.fillStyle = '#f59e0b';
        context.fillRect(0, 0, 320, 240);
        context.fillStyle = '#1e3a8a';
        context.fillRect((t / 10) % 260, 80, 60, 60);
        if (t < 2000) requestAnimationFrame(frame);
        else resolve();
      };
      frame();
    });
    recorder.stop();
    await stopped;
    return [...new Uint8Array(await new Blob(chunks).arrayBuffer())];
  }));
  await attach(alice.page, [{ name: 'square.webm', mimeType: 'video/webm', buffer: webm }]);
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');

  const row = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Video/ });
  await expect(row).toContainText('Video');
  await row.click();
  const video = log(bob.page).getByLabel('Video square.webm');
  await expect(video).toBeVisible();
  // The poster is the frame the page took (orange), and nothing of the video is fetched before it plays.
  const poster = await video.getAttribute('poster');
  expect(poster).toMatch(/^\/api\/media\/[0-9a-f-]+\/thumbnail$/);
  const frame = await sharp(Buffer.from(await (await bob.page.request.get(poster!)).body())).raw().toBuffer({ resolveWithObject: true });
  expect(frame.info).toMatchObject({ width: 320, height: 240 });
  const [red, green, blue] = frame.data;
  expect(red).toBeGreaterThan(215);
  expect(green).toBeGreaterThan(125);
  expect(green).toBeLessThan(190);
  expect(blue).toBeLessThan(50);
  await expect(video).toHaveAttribute('preload', 'none');
  await expect(log(bob.page).getByLabel(/^Length 0:0[1-3]$/)).toBeVisible();
  await expectAccessible(bob.page);
});

test('a place: where the device is, sent with a name, shown as a card that opens the map', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Place');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Place');
  await alice.context.grantPermissions(['geolocation']);
  await alice.context.setGeolocation({ latitude: 48.8584, longitude: 2.2945, accuracy: 15 });
  await openChatWith(alice.page, bob);

  await alice.page.getByRole('button', { name: 'Attach' }).click();
  await alice.page.getByRole('menuitem', { name: 'Location' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Share a location' });
  await expect(dialog.getByLabel('Latitude')).toHaveValue('48.858400');
  await expect(dialog.getByLabel('Longitude')).toHaveValue('2.294500');
  await dialog.getByLabel('Name (optional)').fill('Eiffel Tower');
  await expectAccessible(alice.page);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden();

  const row = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Place/ });
  await expect(row).toContainText('📍 Eiffel Tower');
  await row.click();
  const card = log(bob.page).getByRole('link', { name: 'Eiffel Tower: open in a map' });
  await expect(card).toHaveAttribute('href', 'https://www.openstreetmap.org/?mlat=48.858400&mlon=2.294500#map=16/48.858400/2.294500');
  await expect(card).toContainText('48.85840° N, 2.29450° E · ±15 m');
  await expect(card).toHaveAttribute('rel', 'noopener noreferrer');
  await expectAccessible(bob.page);
});

test('an upload cut off by going offline half-way goes on from where it stopped, and the file arrives whole', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Resumes');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Resumes');
  await openChatWith(alice.page, bob);

  // The network goes away while the second of three chunks is on its way.
  const offsets: string[] = [];
  let cut = false;
  await alice.page.route('**/api/uploads/**', async (route) => {
    if (route.request().method() !== 'PATCH') return route.fallback();
    offsets.push(route.request().headers()['upload-offset']);
    if (offsets.length === 2 && !cut) {
      cut = true;
      await alice.context.setOffline(true);
      return route.abort('internetdisconnected');
    }
    return route.fallback();
  });
  const bytes = randomBytes(10 * 1024 * 1024);
  await attach(alice.page, [{ name: 'backup.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  const progress = alice.page.getByRole('progressbar', { name: 'Uploading backup.bin' });
  await expect(progress).toHaveAttribute('aria-valuenow', '40');
  await expect(alice.page.getByRole('status').filter({ hasText: /Waiting for network|Connecting|Server unreachable/ }).first()).toBeVisible({ timeout: 25_000 });

  await alice.context.setOffline(false);
  await expect(progress).toBeHidden({ timeout: 30_000 });
  // It went on from the first chunk's end, not from the start.
  expect(offsets.slice(2)).toContain(String(4 * 1024 * 1024));
  expect(offsets.filter((o) => o === '0')).toHaveLength(1);

  await bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Resumes/ }).click();
  const file = log(bob.page).locator('li', { hasText: 'backup.bin' });
  const [download] = await Promise.all([bob.page.waitForEvent('download'), file.getByRole('link', { name: 'Download backup.bin' }).click()]);
  expect(sha(await readFile((await download.path())!))).toBe(sha(bytes));
});

test('a file on its way can be cancelled: it leaves the chat, stays gone after a reload, and never arrives', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Cancels');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Cancels');
  await openChatWith(alice.page, bob);
  // Its chunks take their time, so there is a moment to cancel.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await alice.page.route('**/api/uploads/**', async (route) => {
    if (route.request().method() === 'PATCH') await held;
    return route.fallback();
  });
  await attach(alice.page, [{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3 * 1024 * 1024) }]);
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await alice.page.getByRole('button', { name: 'Cancel sending huge.bin' }).click();
  await expect(log(alice.page).getByText('huge.bin')).toHaveCount(0);
  release();
  await alice.page.reload();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(log(alice.page).getByText('huge.bin')).toHaveCount(0);
  // A text after it arrives alone.
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('never mind');
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Cancels/ }).click();
  await expect(log(bob.page).getByText('never mind')).toBeVisible();
  await expect(log(bob.page).getByText('huge.bin')).toHaveCount(0);
});
