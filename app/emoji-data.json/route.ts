// The emoji picker's data (emojibase, English, as emoji-picker-element-data packages it), served from
// here so the browser fetches nothing from another site; built once into a static file. Its ETag
// lets the picker check for a newer copy without downloading this one again.
import { createHash } from 'node:crypto';
import data from 'emoji-picker-element-data/en/emojibase/data.json';

export const dynamic = 'force-static';

const body = JSON.stringify(data);
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export function GET(): Response {
  return new Response(body, { headers: { 'Content-Type': 'application/json', ETag: etag, 'Cache-Control': 'public, max-age=86400' } });
}
