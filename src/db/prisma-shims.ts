// The two Prisma 6.19.3 work-arounds of DESIGN.md §4, kept in one place.
//
// 1. The JS (Wasm) schema engine talks to the database through a driver adapter. With
//    @prisma/adapter-pg, `migrate deploy` fails with "Column type 'name' could not be
//    deserialized" because catalog queries return columns of type `name` (OID 19), which the
//    adapter cannot map: https://github.com/prisma/prisma/issues/27403
//    A pg.Client whose results report OID 19 as `text` (OID 25) fixes it; `name` values are
//    plain strings on the wire, so nothing else changes.
// 2. `migrate dev` leaves its shadow database behind through the adapter, so new migrations
//    are generated with `migrate diff` (npm run db:diff) instead.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type FieldList = Array<{ dataTypeID: number }> | undefined;

function rewriteNameFields(result: unknown): void {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: FieldList } | null)?.fields;
    if (!fields) continue;
    for (const field of fields) {
      if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
}

export class NameAsTextClient extends pg.Client {
  // pg.Client#query has a dozen overloads. pg.Pool#query (what the adapter calls) passes a
  // callback; a checked-out client gets the promise form. Both are post-processed.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (err: unknown, res: unknown) => {
        if (!err) rewriteNameFields(res);
        (callback as (e: unknown, r: unknown) => void)(err, res);
      };
    }
    const out = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then((res) => {
        rewriteNameFields(res);
        return res;
      }) as never;
    }
    return out as never;
  }
}

export function migrationAdapterFactory(connectionString: string): PrismaPg {
  if (!connectionString) throw new Error("DATABASE_URL must be set for Prisma CLI commands");
  // allowExitOnIdle: the CLI would otherwise sit out pg's 10 s idle timeout before exiting.
  return new PrismaPg({ connectionString, max: 1, allowExitOnIdle: true, Client: NameAsTextClient });
}
