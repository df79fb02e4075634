# slimmer: build stage with the toolchain; only its artifacts ship
FROM node:18 AS builder

WORKDIR /usr/src/app

COPY package*.json ./
RUN npm ci

COPY server.js ./
COPY lib/ ./lib/

# slimmer: production dependencies only
FROM builder AS production
RUN npm prune --omit=dev

# slimmer: runtime stage: the slim base, production node_modules and the build output
FROM node:18-slim

WORKDIR /usr/src/app
COPY --from=production /usr/src/app /usr/src/app

EXPOSE 3000
CMD npm start
