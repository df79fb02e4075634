#!/usr/bin/env bash
# Stand-in for docker/dockerfile:1 (BuildKit's Dockerfile frontend, the image that a
# `# syntax=docker/dockerfile:1.x` line makes BuildKit run): compiled from the BuildKit source
# that Debian's docker.io source package carries (trixie: docker.io 26.1.5 with BuildKit 0.13,
# the frontend of dockerfile 1.7: heredocs, COPY --link, ADD --checksum, RUN --mount), with
# Debian's golang and the golang-*-dev packages it needs; no Go module proxy is used.
# The image holds two static binaries: /bin/dockerfile-frontend (mainline, the entrypoint) and
# /bin/dockerfile-frontend-labs (built with the labs tags: RUN --security, COPY --parents,
# COPY --exclude), which dockerfile-frontend-labs.Dockerfile makes the -labs tags' entrypoint.
# The build happens in a trixie chroot under a scratch directory that is removed afterwards.
# Usage: dockerfile-frontend.sh > rootfs.tar    (root, Debian host with mmdebstrap)
#        dockerfile-frontend.sh --changes       (the image config, for docker import --change)
set -euo pipefail
if [ "${1:-}" = --changes ]; then
	echo 'ENTRYPOINT ["/bin/dockerfile-frontend"]'
	echo 'LABEL moby.buildkit.frontend.network.none="true"'
	echo 'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"'
	exit 0
fi
mirror=${SLIMMER_DEBIAN_MIRROR:-http://deb.debian.org}
suite=trixie

# The Debian packages whose Go sources the frontend imports (found with `go list -deps` on a
# chroot with all of docker.io's build dependencies; `dpkg -S` of each directory).
go_pkgs=(
	golang-github-agext-levenshtein-dev golang-github-cespare-xxhash-dev
	golang-github-containerd-containerd-dev golang-github-containerd-continuity-dev
	golang-github-containerd-errdefs-dev golang-github-containerd-log-dev
	golang-github-containerd-platforms-dev golang-github-containerd-ttrpc-dev
	golang-github-containerd-typeurl-dev golang-github-distribution-reference-dev
	golang-github-docker-go-connections-dev golang-github-docker-go-units-dev
	golang-github-felixge-httpsnoop-dev golang-github-go-logr-logr-dev golang-github-go-logr-stdr-dev
	golang-github-gofrs-flock-dev golang-github-gogo-googleapis-dev golang-github-gogo-protobuf-dev
	golang-github-golang-protobuf-1-5-dev golang-github-google-go-cmp-dev
	golang-github-google-shlex-dev golang-github-google-uuid-dev
	golang-github-grpc-ecosystem-grpc-gateway-dev golang-github-in-toto-in-toto-golang-dev
	golang-github-klauspost-compress-dev golang-github-moby-docker-image-spec-dev
	golang-github-moby-locker-dev golang-github-moby-patternmatcher-dev golang-github-moby-sys-dev
	golang-github-opencontainers-go-digest-dev golang-github-opencontainers-image-spec-dev
	golang-github-pkg-errors-dev golang-github-secure-systems-lab-go-securesystemslib-dev
	golang-github-shibumi-go-pathspec-dev golang-github-sirupsen-logrus-dev
	golang-github-vbatts-tar-split-dev golang-golang-x-crypto-dev golang-golang-x-net-dev
	golang-golang-x-sync-dev golang-golang-x-sys-dev golang-golang-x-text-dev
	golang-google-genproto-dev golang-google-grpc-dev golang-google-protobuf-dev
	golang-opentelemetry-contrib-dev golang-opentelemetry-otel-dev golang-opentelemetry-proto-dev
)
include=$(
	IFS=,
	echo "golang-go,dpkg-dev,${go_pkgs[*]}"
)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/slimmer-dockerfile-frontend.XXXXXX")
cleanup() { # mmdebstrap unmounts what it mounted; if it was killed, unmount before removing
	if command -v findmnt >/dev/null 2>&1; then
		findmnt -rn -o TARGET | grep -F "$scratch/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	fi
	rm -rf --one-file-system "$scratch"
}
trap cleanup EXIT
root=$scratch/root

# The source, inside the chroot while mmdebstrap has it set up. apt-get verifies each file
# against the archive's signed index; dpkg-source unpacks it and applies Debian's patches
# (BuildKit's need one: grpc-middleware-v1.patch). Where the mirror serves a version's
# tarballs but not its .dsc, the same unpacking is done by hand: the orig tarball (engine/),
# its buildkit and cli components, debian/, then debian/patches/series in order.
cat >"$scratch/get-source" <<'HOOK'
#!/bin/sh
set -eu
mkdir -p "$1/build"
chroot "$1" sh -c 'cd /build && apt-get source -q docker.io' && exit 0
echo "dockerfile-frontend.sh: apt-get source failed; unpacking the downloaded files by hand" >&2
chroot "$1" sh -eu -c '
	cd /build
	apt-get source -q --download-only docker.io || true
	orig=$(ls docker.io_*.orig.tar.* | head -n 1)
	deb=$(ls docker.io_*.debian.tar.* | head -n 1)
	version=${deb#docker.io_}; version=${version%.debian.tar.*}
	src=/build/docker.io-$version
	unpack() { # unpack TARBALL DIR: its one top-level directory becomes DIR, as dpkg-source does
		t=$(mktemp -d /build/unpack.XXXXXX)
		tar -xf "$1" -C "$t"
		top=$(ls -A "$t")
		if [ "$(echo "$top" | wc -l)" = 1 ] && [ -d "$t/$top" ]; then mv "$t/$top" "$2"; rmdir "$t"; else mv "$t" "$2"; fi
	}
	unpack "$orig" "$src"
	for comp in buildkit cli; do
		unpack "$(ls docker.io_*.orig-$comp.tar.* | head -n 1)" "$src/$comp"
	done
	tar -xf "$deb" -C "$src"
	cd "$src"
	sed -e "s/#.*//" debian/patches/series | while read -r patch opts; do
		[ -n "$patch" ] || continue
		patch -s -p1 --batch $opts <"debian/patches/$patch"
	done
'
HOOK
chmod +x "$scratch/get-source"

# Everything but the tar on stdout goes to stderr (the caller pipes stdout to docker import).
{
	# shellcheck disable=SC2016 # the hooks are expanded by mmdebstrap, with $1 the root directory
	mmdebstrap --variant=minbase --mode=root --format=directory --quiet --include="$include" \
		--customize-hook="$scratch/get-source" \
		"$suite" "$root" "deb $mirror/debian $suite main" "deb-src $mirror/debian $suite main"

	src=$(find "$root/build" -mindepth 1 -maxdepth 1 -type d -name 'docker.io-*' | head -n 1)
	[ -n "$src" ] || {
		echo "dockerfile-frontend.sh: apt-get source docker.io left no source tree" >&2
		exit 1
	}
	version=$(basename "$src")
	gopath=$root/build/gopath
	# A GOPATH laid out as debian/rules lays it: buildkit imports a few engine packages.
	mkdir -p "$gopath/src/github.com/moby" "$gopath/src/github.com/docker"
	mv "$src/buildkit" "$gopath/src/github.com/moby/buildkit"
	mv "$src/engine" "$gopath/src/github.com/docker/docker"
	goroot=$(cd "$root/usr/lib" && readlink -f go | sed "s|^$root||")
	pkg=github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend
	ldflags="-s -w -X main.Version=stand-in-from-debian-$version"
	go_build() { # go_build OUTPUT TAGS
		chroot "$root" env -i PATH=/usr/bin:/bin HOME=/build GOROOT="$goroot" GOTELEMETRY=off \
			GOPATH=/build/gopath:/usr/share/gocode GO111MODULE=off CGO_ENABLED=0 GOCACHE=/build/cache \
			go build -trimpath -tags "netgo static_build osusergo $2" -ldflags "$ldflags" -o "$1" "$pkg"
	}
	mkdir -p "$scratch/out/bin"
	go_build /build/dockerfile-frontend ""
	go_build /build/dockerfile-frontend-labs "dfrunsecurity dfparents dfexcludepatterns"
	mv "$root/build/dockerfile-frontend" "$root/build/dockerfile-frontend-labs" "$scratch/out/bin/"
	"$scratch/out/bin/dockerfile-frontend" -version
} >&2

tar -C "$scratch/out" --owner=0 --group=0 --numeric-owner -c .
