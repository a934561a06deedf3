import { splitText } from '../text-split.js';

/** A string property holds at most 64 KiB, i.e. 32,768 UTF-16 code units; stay below with room to spare. */
const PART_UNITS = 30_000;
/** An entity holds at most 1 MiB, so at most this many parts fit next to the other properties. */
const MAX_PARTS = 15;

/**
 * Stores a text of any length up to ~450,000 characters as `<field>0`, `<field>1`, … with the
 * count in `<field>Parts`, because one Azure table string property is capped at 64 KiB.
 */
export function packText(field: string, text: string): Record<string, string | number> {
  const parts = splitText(text, PART_UNITS);
  if (parts.length > MAX_PARTS)
    throw new RangeError(`${field} is ${text.length} characters long; one Azure table entity holds at most ${PART_UNITS * MAX_PARTS}.`);
  const packed: Record<string, string | number> = { [`${field}Parts`]: parts.length };
  parts.forEach((part, index) => {
    packed[`${field}${index}`] = part;
  });
  return packed;
}

export function unpackText(entity: Record<string, unknown>, field: string): string {
  const count = Number(entity[`${field}Parts`] ?? 0);
  let text = '';
  for (let index = 0; index < count; index++) text += String(entity[`${field}${index}`] ?? '');
  return text;
}
