export class DatabaseError extends Error {
  constructor(
    readonly key: "db.unreachable" | "db.migrate_failed" | "db.locked",
    message: string,
  ) {
    super(message);
    this.name = "DatabaseError";
  }
}

/** host:port/database of a connection URL, without credentials, for messages and logs. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, "") || "postgres";
    return `${u.hostname}:${u.port || "5432"}/${db}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
