# syntax=docker/dockerfile:1

# Assay: one image for every role. ASSAY_ROLE (all | api | worker) picks what a container runs.
#   docker build -t assay .
#   docker run --rm -p 3000:3000 -e ASSAY_API_KEYS=... -e DATABASE_URL=... -e REDIS_URL=... assay
# Node major must match the `node` devDependency in package.json (24).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: all dependencies, compile TypeScript to dist/ -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# package.json carries the `allowScripts` policy (which install scripts may run) and .npmrc the
# npm settings; both must be in place before `npm ci`.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime: production dependencies and dist/ only ------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
# dist/src (the app) and dist/migrations (loaded by the migration runner). Files stay owned by
# root and read-only for the app user; Assay writes nothing to disk.
COPY --from=build /app/dist ./dist

# The official Node images ship an unprivileged `node` user (uid 1000).
USER node
EXPOSE 3000

# Liveness probe: GET /health (no dependency is called). Uses node because slim images have no
# curl. Sends the first ASSAY_API_KEYS key, so it also works with OPS_REQUIRE_API_KEY=true (as long
# as the keys are in the container environment, not only in a .env file).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const k=(process.env.ASSAY_API_KEYS||'').split(',')[0].trim();fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{headers:k?{'x-api-key':k}:{},signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# node as PID 1 (not npm), so SIGTERM reaches Assay directly and the graceful shutdown runs. The
# flags are those of `npm start` (src/common/startup/node-flags.ts says why).
CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]
