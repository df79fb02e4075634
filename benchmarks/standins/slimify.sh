#!/bin/sh
# Deletes from the root filesystem $1 what the dpkg path-excludes of the *-slim images
# (debian-rootfs/etc/dpkg/dpkg.cfg.d/docker) keep out of later installs. mmdebstrap extracts
# the essential packages before dpkg's path filters apply, so they are enforced here once.
set -eu
root=$1
cd "$root/usr/share"
find doc -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
for d in groff info linda lintian/overrides man; do
	[ -d "$d" ] && find "$d" -mindepth 1 -delete
done
if [ -d locale ]; then
	find locale -mindepth 1 ! -type d \
		! -path locale/all_languages ! -path 'locale/currency/*' \
		! -path 'locale/l10n/*' ! -path locale/languages -delete
fi
find doc locale -mindepth 1 -type d -empty -delete 2>/dev/null || true
