// Raw SQL helpers shared by the hand-written queries (hot read paths, set-based sweeps).
// DateTime columns are `timestamp without time zone` holding UTC: instants travel as ISO text and
// are converted in SQL, whatever the driver's or the server's time zone; JSON built in SQL
// carries those timestamps without a zone, so they are read back as UTC.
import { Prisma } from "@prisma/client";

/** An instant as a `timestamp` (UTC) SQL value. */
export function utcInstant(instant: Date): Prisma.Sql {
  return Prisma.sql`(${instant.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** A `timestamp` (UTC) column value as serialised by json_build_object / row_to_json. */
export function instantFromJson(text: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/u.test(text) ? text : `${text}Z`);
}
