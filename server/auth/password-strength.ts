// How hard a password is to guess, by zxcvbn-ts (patterns, 40,000 common passwords, English words and
// names, keyboard walks, dates, l33t), counting the person's own username and name as known words.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { AppError } from '../errors.ts';

/** zxcvbn's score (0–4) a new password needs: 3 is "safely unguessable" for an online attacker and more. */
export const MIN_PASSWORD_SCORE = 3;

let estimator: Promise<ZxcvbnFactory> | undefined;

// The dictionaries are a few megabytes: loaded on the first registration or password change, not at boot.
function load(): Promise<ZxcvbnFactory> {
  return (estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })());
}

/** Refuses (BAD_REQUEST on `field`, saying why and what would help) a password too easy to guess. */
export async function assertStrongPassword(password: string, knownWords: string[], field = 'password'): Promise<void> {
  const result = (await load()).check(password, knownWords);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const why = result.feedback.warning ?? 'This password is too easy to guess.';
  const help = result.feedback.suggestions.length > 0 ? result.feedback.suggestions.join(' ') : 'Add another word or two; uncommon words are better.';
  throw new AppError('BAD_REQUEST', `${why} ${help}`, field);
}
