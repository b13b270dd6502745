import path from "node:path";
import { defineConfig } from "prisma/config";
import { migrationAdapterFactory } from "./src/db/prisma-shims.js";

// Prisma 6.19.3 with the JS (Wasm) schema engine runs fully offline; the classic engine
// would download a native binary these machines cannot reach (DESIGN.md §4).
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => migrationAdapterFactory(process.env.DATABASE_URL ?? ""),
});
