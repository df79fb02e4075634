#!/usr/bin/env bash
# The modern engine's image (benchmarks/setup-engine --modern): a Debian trixie root
# filesystem with docker.io 26 (dockerd, containerd, runc), docker-cli and docker-buildx,
# whose entrypoint (modern-engine-entry.sh) runs its own dockerd on its own bridge inside the
# container's network namespace and listens on TCP port 2375 there (published by setup-engine
# on a loopback port of the host only). Not a stand-in for an official image.
# The host's extra CA files go to /usr/local/share/ca-certificates/ (and into the bundle), so
# that the engine's own TLS (registries, if any) trusts the egress proxy as the host does.
# Usage: modern-engine.sh > rootfs.tar     (root, Debian host with mmdebstrap)
#        modern-engine.sh --changes        (the image config, for docker import --change)
set -euo pipefail
if [ "${1:-}" = --changes ]; then
	echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/slimmer-modern-entry"]'
	echo 'EXPOSE 2375'
	echo 'VOLUME /var/lib/docker'
	exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ca_dir=${SLIMMER_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
mirror=${SLIMMER_DEBIAN_MIRROR:-http://deb.debian.org}

# shellcheck disable=SC2016 # the hooks are expanded by mmdebstrap, with $1 the root directory
exec mmdebstrap --variant=minbase --mode=root --format=tar --quiet \
	--include=docker.io,docker-cli,docker-buildx,iptables,ca-certificates,tini,iproute2,procps \
	--dpkgopt="$here/debian-rootfs/etc/dpkg/dpkg.cfg.d/docker" \
	--customize-hook="install -D -m 0755 '$here/modern-engine-entry.sh' \"\$1/usr/local/bin/slimmer-modern-entry\"" \
	--customize-hook="mkdir -p \"\$1/usr/local/share/ca-certificates\" && if [ -d '$ca_dir' ]; then cp -R --preserve=mode '$ca_dir/.' \"\$1/usr/local/share/ca-certificates/\"; fi && chroot \"\$1\" update-ca-certificates >/dev/null" \
	--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log "$1"/var/log/apt/* "$1/etc/apt/sources.list"' \
	--customize-hook=': > "$1/etc/machine-id"; echo slimmer-modern-engine > "$1/etc/hostname"; rm -f "$1/etc/resolv.conf"' \
	trixie - "deb $mirror/debian trixie main"
