FROM node:18
WORKDIR /usr/src/app
COPY package*.json ./
RUN npm ci && npm cache clean --force && mv node_modules ../
COPY . .
CMD ["node", "server.js"]
