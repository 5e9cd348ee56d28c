/**
 * SQL that renders a timestamptz column as an ISO-8601 UTC string with its
 * microseconds: a JavaScript Date keeps only milliseconds, and a cursor that
 * loses precision would skip rows created within the same millisecond.
 */
export function isoMicroseconds(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
