# Stand-in for node:18-slim (bookworm): Debian's node 18 on the debian:bookworm-slim stand-in, with the
# npm and yarn releases that the official node:18 images ship, installed from the npm registry.
FROM debian:bookworm-slim AS npm-builder
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates nodejs npm \
	&& npm install --global --prefix /opt/node --no-audit --no-fund \
		--cafile /etc/ssl/certs/ca-certificates.crt npm@10.8.2 yarn@1.22.22

FROM debian:bookworm-slim
ENV NODE_VERSION=18.20.4
ENV YARN_VERSION=1.22.22
COPY --from=npm-builder /opt/node/lib/node_modules /usr/local/lib/node_modules
RUN --mount=type=bind,source=node,target=/tmp/standin sh /tmp/standin/setup.sh
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
