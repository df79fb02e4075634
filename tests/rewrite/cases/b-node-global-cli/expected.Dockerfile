# slimmer: build stage with the toolchain; only its artifacts ship
FROM node:18 AS builder
WORKDIR /app
RUN npm install -g http-server@14.1.1
COPY package.json package-lock.json ./
RUN npm ci
COPY . .

# slimmer: production dependencies only
FROM builder AS production
RUN npm prune --omit=dev

# slimmer: runtime stage: the slim base, production node_modules and the build output
FROM node:18-slim
WORKDIR /app
RUN npm install -g http-server@14.1.1 && npm cache clean --force
COPY --from=production /app /app
EXPOSE 8080
CMD ["http-server", "-p", "8080", "lib"]
