/**
 * Times are stored as ISO 8601 strings. Filters and orderings compare them as text, which is
 * only correct when every value has the same shape, so each time a store compares is normalised
 * to `Date#toISOString()` form first.
 */
export function toIsoTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new TypeError(`${field} must be an ISO 8601 time such as 2024-05-01T12:00:00Z (got "${value}").`);
  return new Date(ms).toISOString();
}
