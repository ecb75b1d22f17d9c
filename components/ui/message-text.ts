// Message text as WhatsApp formats it, parsed into parts React renders as text (never HTML): *bold*,
// _italic_, ~strike~, `code` and ```code```, and links (http, https, www., mailto:).

export type Style = 'bold' | 'italic' | 'strike';
export type TextPart =
  | { kind: 'text'; text: string; styles: Style[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

const MARKERS: Record<string, Style> = { '*': 'bold', _: 'italic', '~': 'strike' };

// A link runs to the next space or quote; what it ends with is trimmed below.
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+|\bmailto:[^\s<>"'/]+@[^\s<>"']+/gi;
const CODE = /```([\s\S]+?)```|`([^`\n]+)`/g;

/**
 * Where a link found by LINK really ends: without trailing punctuation, and without a closing
 * bracket it does not open itself ("(see https://example.com)"), but with one it does
 * ("https://en.wikipedia.org/wiki/Mars_(planet)").
 */
function trimLink(candidate: string): string {
  let end = candidate.length;
  for (;;) {
    const last = candidate[end - 1];
    if ('.,;:!?\'"*_~'.includes(last)) end--;
    else if (last === ')' && count(candidate.slice(0, end), '(') < count(candidate.slice(0, end), ')')) end--;
    else if (last === ']' && count(candidate.slice(0, end), '[') < count(candidate.slice(0, end), ']')) end--;
    else break;
  }
  return candidate.slice(0, end);
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

function hrefOf(link: string): string {
  return /^www\./i.test(link) ? `https://${link}` : link;
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * The formatting of plain text (no code, no links): a marker opens where it follows a space, the
 * start or punctuation and is followed by a non-space; it closes at the next same marker that
 * follows a non-space and is not followed by a letter or digit. Markers nest (*_both_*).
 */
function formatted(text: string, styles: Style[], out: TextPart[]): void {
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const style = MARKERS[text[i]];
    if (!style || styles.includes(style) || isWordChar(text[i - 1]) || isSpace(text[i + 1])) continue;
    let close = -1;
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === '\n') break;
      if (text[j] === text[i] && !isSpace(text[j - 1]) && !isWordChar(text[j + 1])) {
        close = j;
        break;
      }
    }
    if (close < 0) continue;
    plain(text.slice(plainFrom, i), styles, out);
    formatted(text.slice(i + 1, close), [...styles, style], out);
    plainFrom = close + 1;
    i = close;
  }
  plain(text.slice(plainFrom), styles, out);
}

function plain(text: string, styles: Style[], out: TextPart[]): void {
  if (text) out.push({ kind: 'text', text, styles });
}

/** The parts of a message's text, in order; joined, their texts give the text without markers. */
export function parseMessageText(text: string): TextPart[] {
  const out: TextPart[] = [];
  let from = 0;
  for (const match of text.matchAll(CODE)) {
    if (match.index > from) formattedWithLinks(text.slice(from, match.index), out);
    out.push({ kind: 'code', text: match[1] ?? match[2] });
    from = match.index + match[0].length;
  }
  if (from < text.length) formattedWithLinks(text.slice(from), out);
  return out;
}

/** Links first (a marker inside a link, as in https://x.org/a_b_c, is part of the link), then formatting around them. */
function formattedWithLinks(text: string, out: TextPart[]): void {
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    const link = trimLink(match[0]);
    if (!link.includes('.') && !link.startsWith('mailto:')) continue;
    if (match.index > from) formatted(text.slice(from, match.index), [], out);
    out.push({ kind: 'link', text: link, href: hrefOf(link) });
    from = match.index + link.length;
  }
  if (from < text.length) formatted(text.slice(from), [], out);
}
