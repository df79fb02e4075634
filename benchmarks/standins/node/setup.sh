#!/bin/sh
# Installs Debian's node 18 the way the official node images present theirs; shared by
# node-18-slim.Dockerfile and node-18.Dockerfile. npm and yarn (the versions the official
# node:18 images ship) come from the npm-builder stage, in /usr/local/lib/node_modules.
set -eux
here=$(dirname "$0")
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates nodejs
rm -rf /var/lib/apt/lists/*
ln -sf /usr/bin/node /usr/local/bin/node
ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
ln -sf ../lib/node_modules/yarn/bin/yarn.js /usr/local/bin/yarn
ln -sf ../lib/node_modules/yarn/bin/yarn.js /usr/local/bin/yarnpkg
install -m 0755 "$here/docker-entrypoint.sh" /usr/local/bin/docker-entrypoint.sh
# npm's global prefix is /usr/local, as upstream (Debian's node would make it /usr), and npm
# trusts the system CA bundle, which carries the host's extra CAs.
mkdir -p /usr/etc
printf 'prefix=/usr/local\ncafile=/etc/ssl/certs/ca-certificates.crt\n' >/usr/etc/npmrc
# The official images' unprivileged user.
groupadd --gid 1000 node
useradd --uid 1000 --gid node --shell /bin/bash --create-home node
node --version
npm --version
yarn --version
test "$(npm config get prefix)" = /usr/local
