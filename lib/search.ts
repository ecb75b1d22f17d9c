// What a search looks for, on both sides: the server matches these words as prefixes of the words of
// a message (server/messages/search.ts, PostgreSQL's parley_search configuration: lower case, no
// accents); clients mark the same in the results.

/** At most this many words of a query are looked for. */
export const MAX_SEARCH_TERMS = 8;

/** Lower case, without accents: how the index holds words ("Café" → "cafe"). */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of a query (letters and digits; anything else separates them), folded, each once. */
export function searchTerms(query: string): string[] {
  const words = query.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.map(foldWord))].slice(0, MAX_SEARCH_TERMS);
}

/** A query worth sending: some word of it has two characters or more (one letter matches nearly everything). */
export function isSearchable(query: string): boolean {
  return searchTerms(query).some((t) => [...t].length >= 2);
}

/** `text` cut into runs, `match` on the words that start with one of `terms` (the whole word marked). */
export function highlight(text: string, terms: string[]): { text: string; match: boolean }[] {
  const runs: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const word of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const folded = foldWord(word[0]);
    if (!terms.some((t) => folded.startsWith(t))) continue;
    if (word.index > at) runs.push({ text: text.slice(at, word.index), match: false });
    runs.push({ text: word[0], match: true });
    at = word.index + word[0].length;
  }
  if (at < text.length) runs.push({ text: text.slice(at), match: false });
  return runs;
}

/**
 * The part of `text` to show in a list of results, on one line: from a word at most `lead` characters
 * before the first marked one (an ellipsis where that cuts the start), so the match is in view.
 */
export function snippet(text: string, terms: string[], lead = 30): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const runs = highlight(flat, terms);
  const first = runs.findIndex((r) => r.match);
  const at = runs.slice(0, Math.max(first, 0)).reduce((n, r) => n + r.text.length, 0);
  if (first < 0 || at <= lead) return flat;
  // From the first word that starts within `lead` of the match.
  const space = flat.indexOf(' ', at - lead);
  return `…${flat.slice(space < 0 || space >= at ? at : space + 1)}`;
}
