// The shared input contract: what the client and the server both accept and refuse.
import { describe, expect, test } from 'vitest';
import { MAX_MESSAGE_LENGTH } from './limits.ts';
import { lineText, listMessagesInput, messageBody, multilineText, password, registerInput, username, uuid } from './schemas.ts';

describe('username', () => {
  test('is trimmed and lowercased', () => {
    expect(username.parse('  Alice_99.X ')).toBe('alice_99.x');
  });

  test.each(['ab', 'a'.repeat(33), 'has space', 'dash-ed', 'émile', ''])('refuses %j', (value) => {
    expect(username.safeParse(value).success).toBe(false);
  });
});

describe('password', () => {
  test('needs 8 characters with letters and a digit or symbol', () => {
    expect(password.safeParse('abcdefg1').success).toBe(true);
    expect(password.safeParse('abcdef!?').success).toBe(true);
    expect(password.safeParse('abcdefgh').success).toBe(false);
    expect(password.safeParse('12345678').success).toBe(false);
    expect(password.safeParse('abc1').success).toBe(false);
    expect(password.safeParse(`a1${'x'.repeat(199)}`).success).toBe(false);
  });

  test('is not trimmed or changed', () => {
    expect(registerInput.parse({ username: 'bob', displayName: ' Bob ', password: ' secret-1 ' })).toEqual({
      username: 'bob',
      displayName: 'Bob',
      password: ' secret-1 ',
    });
  });
});

describe('messageBody', () => {
  test('accepts up to the limit and keeps the text as typed', () => {
    expect(messageBody.parse('  hi  ')).toBe('  hi  ');
    expect(messageBody.safeParse('x'.repeat(MAX_MESSAGE_LENGTH)).success).toBe(true);
    expect(messageBody.safeParse('x'.repeat(MAX_MESSAGE_LENGTH + 1)).success).toBe(false);
  });

  test('refuses an empty or blank message', () => {
    expect(messageBody.safeParse('').success).toBe(false);
    expect(messageBody.safeParse(' \n\t').success).toBe(false);
  });
});

describe('listMessagesInput', () => {
  const conversationId = '6f1c7a52-8a43-4d2b-9a55-0f3a0b7b9e11';

  test('defaults to the latest page of 50', () => {
    expect(listMessagesInput.parse({ conversationId })).toEqual({ conversationId, limit: 50 });
  });

  test('takes before or after, not both', () => {
    expect(listMessagesInput.safeParse({ conversationId, before: 5 }).success).toBe(true);
    expect(listMessagesInput.safeParse({ conversationId, after: 0 }).success).toBe(true);
    expect(listMessagesInput.safeParse({ conversationId, before: 5, after: 1 }).success).toBe(false);
  });
});

describe('text and ids', () => {
  test.each([
    ['a NUL', 'a\u0000b', false, false],
    ['a lone surrogate', '\uDC00x', false, false],
    ['an emoji (a surrogate pair)', 'hi 👋', true, true],
    ['a line break', 'a\nb', false, true],
    ['a tab', 'a\tb', false, true],
    ['DEL', 'a\u007Fb', false, false],
    ['a C1 control', 'a\u0085b', false, false],
    ['a right-to-left override', 'a\u202Eb', false, true],
    ['a right-to-left isolate', 'a\u2067b\u2069', false, true],
  ])('%s: in one line %s, in a message %s', (_name, value, inLine, inMessage) => {
    expect(lineText('Name').safeParse(value).success).toBe(inLine);
    expect(multilineText('Message').safeParse(value).success).toBe(inMessage);
  });

  test('the refusal names the field', () => {
    expect(lineText('Group name').safeParse('a\u0000').error?.issues[0].message).toBe('Group name cannot contain control characters');
  });

  test('ids come out lower case', () => {
    expect(uuid.parse('6F1C7A52-8A43-4D2B-9A55-0F3A0B7B9E11')).toBe('6f1c7a52-8a43-4d2b-9a55-0f3a0b7b9e11');
  });
});
