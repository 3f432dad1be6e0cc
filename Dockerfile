# syntax=docker/dockerfile:1
# Izardesk image: one image for every process role (start | serve | worker | migrate).
# The image runs the compiled JavaScript (dist/, from `npm run build`), so no process compiles TypeScript.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- dependencies: production packages only, installed from the lock file ---------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# --- build: TypeScript to dist/ (needs the dev packages: typescript) -------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# --- runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MAIL_OUTBOX_DIR=/app/var/mail-outbox
WORKDIR /app
# Code and dependencies belong to root and are read-only for the app user; only var/ is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY templates ./templates
RUN mkdir -p /app/var/mail-outbox && chown -R node:node /app/var
# The official image's unprivileged user.
USER node
EXPOSE 3000
# Liveness of the web listener, or of the private METRICS_PORT listener on worker containers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.METRICS_PORT||process.env.PORT||3000}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node handles SIGTERM itself (graceful shutdown); run with `--init` / `init: true` so PID 1 reaps and forwards.
ENTRYPOINT ["node", "bin/izardesk.js"]
CMD ["start"]
