import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

export type Db = PrismaClient;

export interface PrismaOptions {
  poolSize: number;
  /** Postgres schema to use instead of public (tests isolate themselves this way). */
  schema?: string;
}

export function createPrisma(url: string, options: PrismaOptions): Db {
  const adapter = new PrismaPg(
    { connectionString: url, max: options.poolSize, connectionTimeoutMillis: 10_000 },
    options.schema ? { schema: options.schema } : undefined,
  );
  return new PrismaClient({ adapter });
}
