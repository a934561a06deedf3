import { randomInt, randomUUID } from 'node:crypto';

/** Letters and digits that cannot be mistaken for each other when typed (`cancel 4k2x7m`). */
const JOB_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** Short job id users type; 31^6 ≈ 887 million values, and the store refuses a duplicate. */
export function newJobId(length = 6): string {
  let id = '';
  for (let i = 0; i < length; i++) id += JOB_ID_ALPHABET[randomInt(JOB_ID_ALPHABET.length)];
  return id;
}

/** Form ids must not be guessable: with the user check they are what makes a submit genuine. */
export function newFormId(): string {
  return randomUUID();
}
