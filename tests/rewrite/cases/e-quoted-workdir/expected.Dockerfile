# slimmer: build stage with the toolchain; only its artifacts ship
FROM node:18 AS builder
WORKDIR "/app"
COPY package.json package-lock.json ./
RUN npm install
COPY . .

# slimmer: production dependencies only
FROM builder AS production
RUN npm prune --omit=dev

# slimmer: runtime stage: the slim base, production node_modules and the build output
FROM node:18-slim
WORKDIR "/app"
COPY --from=production /app /app
CMD ["node", "server.js"]
