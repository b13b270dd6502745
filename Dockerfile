# syntax=docker/dockerfile:1
# Accord: multi-stage build. The build stage compiles TypeScript and generates the Prisma
# client; the runtime stage carries production dependencies, the compiled output and what
# `prisma migrate deploy` needs at start (schema, migrations, prisma.config.ts and its shim).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev && node scripts/prisma.mjs generate

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ACCORD_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/prisma.config.ts ./prisma.config.ts
COPY --from=build --chown=node:node /app/src/db/prisma-shims.ts ./src/db/prisma-shims.ts
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# SIGTERM starts a graceful drain (ACCORD_SHUTDOWN_GRACE_SECONDS); give the container that long plus a margin.
STOPSIGNAL SIGTERM
# Migrations are applied on start (one replica at a time, under an advisory lock).
CMD ["node", "dist/src/main.js"]
