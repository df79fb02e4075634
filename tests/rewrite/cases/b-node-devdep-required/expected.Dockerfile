# slimmer: build stage with the toolchain; only its artifacts ship
FROM node:18 AS builder
WORKDIR /srv
COPY package.json package-lock.json ./
RUN npm install
COPY . .

# slimmer: runtime stage: the slim base, production node_modules and the build output
FROM node:18-slim
WORKDIR /srv
COPY --from=builder /srv /srv
CMD ["node", "src/index.js"]
