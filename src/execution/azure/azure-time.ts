/**
 * Azure Automation stamps stream records with 100-ns precision and a varying number of
 * fractional digits ("…18.469135+00:00", "…18.1232703+00:00"). JavaScript dates keep
 * milliseconds only, and plain string comparison breaks on the varying length, so ordering uses
 * (whole seconds, 7-digit fraction). Cursors keep Azure's own text for `$filter`s so no precision
 * is lost on the way back.
 */
const PARTS = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/;

function key(time: string): [number, number] {
  const match = PARTS.exec(time);
  if (!match) return [Date.parse(time) || 0, 0];
  const seconds = Date.parse(`${match[1]}${match[3] || 'Z'}`);
  const fraction = Number((match[2] ?? '').padEnd(7, '0').slice(0, 7));
  return [Number.isFinite(seconds) ? seconds : 0, fraction];
}

export function compareAzureTime(a: string, b: string): number {
  const [as, af] = key(a);
  const [bs, bf] = key(b);
  return as - bs || af - bf;
}

/** An OData datetime literal for `$filter`s on `properties/lastModifiedTime`. */
export function odataTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
