import type { Platform, Prisma, Role } from "@prisma/client";
import type { Db } from "../../db/client.js";
import type { Clock } from "./clock.js";

/** Who is acting: resolved from the platform identity by the adapter, re-checked by the core. */
export interface Actor {
  tenantId: string;
  memberId: string;
  role: Role;
  platform: Platform;
}

/** What every use case needs from the outside world. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
}

export type Tx = Prisma.TransactionClient;

/** Runs `work` in one transaction (every state change is one transaction with an audit row). */
export function inTransaction<T>(deps: CoreDeps, work: (tx: Tx) => Promise<T>): Promise<T> {
  return deps.db.$transaction(work, { timeout: 30_000, maxWait: 30_000 });
}
