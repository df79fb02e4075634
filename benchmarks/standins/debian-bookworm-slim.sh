#!/usr/bin/env bash
# Stand-in for debian:bookworm-slim: writes a minbase Debian 12 root filesystem, slimmed the
# way the official *-slim images are (dpkg path-excludes for docs/man/locales, apt lists
# removed, the debuerreotype apt/dpkg config), as a tar stream to stdout.
# The host's extra CA files (the egress proxy's) go to /usr/local/share/ca-certificates/, so
# that the `ca-certificates` package, once a later layer installs it, puts them in the bundle.
# Usage: debian-bookworm-slim.sh > rootfs.tar     (root, Debian host with mmdebstrap)
#        debian-bookworm-slim.sh --changes        (the image config, for docker import --change)
set -euo pipefail
if [ "${1:-}" = --changes ]; then
	echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'CMD ["bash"]'
	exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ca_dir=${SLIMMER_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
mirror=${SLIMMER_DEBIAN_MIRROR:-http://deb.debian.org}

# shellcheck disable=SC2016 # the hooks are expanded by mmdebstrap, with $1 the root directory
exec mmdebstrap --variant=minbase --mode=root --format=tar --quiet \
	--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
	--dpkgopt="$here/debian-rootfs/etc/dpkg/dpkg.cfg.d/docker" \
	--customize-hook='rm -f "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap" "$1/etc/apt/sources.list"' \
	--customize-hook="cp -R --preserve=mode '$here/debian-rootfs/.' \"\$1/\"" \
	--customize-hook="mkdir -p \"\$1/usr/local/share/ca-certificates\" && if [ -d '$ca_dir' ]; then cp -R --preserve=mode '$ca_dir/.' \"\$1/usr/local/share/ca-certificates/\"; fi" \
	--customize-hook="sh '$here/slimify.sh' \"\$1\"" \
	--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1"/var/log/*.log "$1"/var/log/apt/*' \
	--customize-hook=': > "$1/etc/machine-id"; echo localhost > "$1/etc/hostname"; rm -f "$1/etc/resolv.conf"' \
	bookworm - \
	"deb $mirror/debian bookworm main" \
	"deb $mirror/debian bookworm-updates main" \
	"deb $mirror/debian-security bookworm-security main"
