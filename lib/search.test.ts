import { describe, expect, test } from 'vitest';
import { highlight, isSearchable, MAX_SEARCH_TERMS, searchTerms, snippet } from './search.ts';

describe('search terms', () => {
  test('words of letters and digits, lower case, without accents, each once; anything else separates', () => {
    expect(searchTerms(" Café  CAFE, e-mail:* it's Привет 你好 x2 ")).toEqual(['cafe', 'e', 'mail', 'it', 's', 'привет', '你好', 'x2']);
    expect(searchTerms('!!! & | ()')).toEqual([]);
    expect(searchTerms(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_SEARCH_TERMS);
  });

  test('searchable once some word has two characters', () => {
    expect(isSearchable('a b c')).toBe(false);
    expect(isSearchable('a bc')).toBe(true);
    expect(isSearchable('你好')).toBe(true);
  });
});

describe('highlight', () => {
  test('marks whole words that start with a term, in any case or accents, keeping the text as written', () => {
    const runs = highlight('Le CAFÉ est près du café-bar, cafeteria; acafe', ['cafe']);
    expect(runs.map((r) => r.text).join('')).toBe('Le CAFÉ est près du café-bar, cafeteria; acafe');
    expect(runs.filter((r) => r.match).map((r) => r.text)).toEqual(['CAFÉ', 'café', 'cafeteria']);
  });

  test('no terms or no match: one plain run', () => {
    expect(highlight('hello', [])).toEqual([{ text: 'hello', match: false }]);
    expect(highlight('', ['x'])).toEqual([]);
  });
});

describe('snippet', () => {
  test('starts a little before the first match, at a word, with an ellipsis; short texts whole', () => {
    const long = `${'lorem ipsum dolor sit amet '.repeat(4)}the meeting is at noon`;
    expect(snippet(long, ['meeting'])).toBe('…ipsum dolor sit amet the meeting is at noon');
    expect(snippet('see you at the meeting', ['meeting'])).toBe('see you at the meeting');
    expect(snippet('line one\n\nline   two', ['nothing'])).toBe('line one line two');
  });
});
