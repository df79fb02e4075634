#!/bin/sh
# As in the official node images: run the arguments with node when the first one is an
# option (-e, --version), a file that is not executable (index.js), or no command at all.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
	set -- node "$@"
fi
exec "$@"
