import { randomInt } from 'node:crypto';
import type { Alphabet } from './secret-model.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** The characters of each alphabet. */
export const ALPHABET_CHARACTERS: Readonly<Record<Alphabet, string>> = {
  alphanumeric: LETTERS + DIGITS,
  base64url: `${LETTERS}${DIGITS}-_`,
  hex: '0123456789abcdef',
  'ascii-printable': Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join(''),
};

/**
 * A random value of `length` characters drawn uniformly (rejection-free
 * `crypto.randomInt`) from the alphabet.
 *
 * @example generateSecretValue(32, 'alphanumeric')
 */
export function generateSecretValue(length: number, alphabet: Alphabet): string {
  const chars = ALPHABET_CHARACTERS[alphabet];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}
