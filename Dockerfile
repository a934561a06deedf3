# Switchboard as a container (Azure Container Apps, AKS, or Web App for Containers).
# Build: docker build -t switchboard .   Run: see docs/deploy.md (configuration is environment only).

# ---- build: compile TypeScript, then keep production dependencies only ----
FROM node:22-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt one fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm ci --omit=dev \
 && npm cache clean --force

# ---- runtime ----
FROM node:22-slim
# python3 runs the sample runbooks when EXECUTOR=local; Azure Automation jobs need nothing here.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
# glibc's malloc keeps freed memory after a burst of requests (per-thread arenas, a mmap
# threshold that grows as large blocks are freed) and the resident size stays up: fewer arenas,
# a fixed mmap threshold and trimming at 128 KiB give it back. P5 of `npm run bench`, which runs
# the servers with these values, measured 158-189 MB with them and 198-272 MB without
# (docs/performance.md). main.bicep sets the same values as app settings.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/app/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY cards ./cards
COPY runbooks ./runbooks
RUN mkdir -p /app/data && chown node:node /app/data
# The image's unprivileged user; the process never needs root.
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/index.js"]
