# mutexlab: one image for the API and the workers (docker-compose.yml picks the command).
# Build stage compiles TypeScript and the native probe; the runtime stage has only what runs.
FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && (test ! -f src/native/Makefile || make -C src/native)

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/presets ./presets
COPY --from=build /app/src/native ./src/native
COPY --from=build /app/openapi ./openapi
USER node
EXPOSE 3000
CMD ["node", "bin/mutexlab", "start"]
