// WhatsApp's formatting and links, parsed into parts that are rendered as text.
import { describe, expect, test } from 'vitest';
import { parseMessageText, type TextPart } from './message-text.ts';

const t = (text: string, ...styles: ('bold' | 'italic' | 'strike')[]): TextPart => ({ kind: 'text', text, styles });
const link = (text: string, href = text): TextPart => ({ kind: 'link', text, href });

describe('parseMessageText', () => {
  test('bold, italic, strike and code, nested, as WhatsApp marks them', () => {
    expect(parseMessageText('a *bold* _it_ ~gone~ `x = 1`')).toEqual([
      t('a '), t('bold', 'bold'), t(' '), t('it', 'italic'), t(' '), t('gone', 'strike'), t(' '), { kind: 'code', text: 'x = 1' },
    ]);
    expect(parseMessageText('*_both_*')).toEqual([t('both', 'bold', 'italic')]);
    expect(parseMessageText('```\nblock *not bold*\n```')).toEqual([{ kind: 'code', text: '\nblock *not bold*\n' }]);
  });

  test('markers inside words, around spaces or unclosed stay text', () => {
    for (const text of ['2*3*4', 'snake_case_name', '* not bold *', '*open', 'a * b', '**', 'x_y z_']) {
      expect(parseMessageText(text), text).toEqual([t(text)]);
    }
  });

  test('text is never HTML', () => {
    expect(parseMessageText('<b>hi</b> *<i>x</i>*')).toEqual([t('<b>hi</b> '), t('<i>x</i>', 'bold')]);
  });

  test('links: trailing punctuation and unopened brackets left out, their own brackets kept; www. and mailto:', () => {
    expect(parseMessageText('see https://example.com/a_b_c.')).toEqual([t('see '), link('https://example.com/a_b_c'), t('.')]);
    expect(parseMessageText('(https://example.com)')).toEqual([t('('), link('https://example.com'), t(')')]);
    expect(parseMessageText('https://en.wikipedia.org/wiki/Mars_(planet)')).toEqual([link('https://en.wikipedia.org/wiki/Mars_(planet)')]);
    expect(parseMessageText('www.example.org/x!')).toEqual([link('www.example.org/x', 'https://www.example.org/x'), t('!')]);
    expect(parseMessageText('mail mailto:bob@example.com')).toEqual([t('mail '), link('mailto:bob@example.com')]);
    expect(parseMessageText('*https://example.com*')).toEqual([t('*'), link('https://example.com'), t('*')]);
    expect(parseMessageText('javascript:alert(1) www')).toEqual([t('javascript:alert(1) www')]);
  });
});
