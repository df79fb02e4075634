#!/usr/bin/env bash
# Stand-ins for gcr.io/distroless/static-debian12 and gcr.io/distroless/python3-debian12: the
# files of the Debian 12 packages that the distroless images are made of (`apt-get download`,
# `dpkg-deb -x`; no dpkg database, no shell), the host's CA bundle (which carries the host's
# extra CAs), /etc/passwd and /etc/group with root, nobody and nonroot (65532). Writes the root
# filesystem as a tar stream to stdout; python3 is checked to import its C modules first.
# Usage: distroless.sh static|python3 > rootfs.tar   (Debian host, current apt lists)
#        distroless.sh static|python3 --changes     (the image config, for docker import --change)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
variant=${1:?usage: distroless.sh static|python3 [--changes]}

static_pkgs=(base-files netbase tzdata)
# distroless/cc (libc, libssl, libgcc, libstdc++, libgomp) plus python3.11 and the libraries
# its standard library's extension modules link against.
python3_pkgs=(
	libc6 libgcc-s1 libgomp1 libstdc++6 libssl3 gcc-12-base
	python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
	libbz2-1.0 libcrypt1 libdb5.3 libexpat1 libffi8 liblzma5 libncursesw6
	libreadline8 readline-common libsqlite3-0 libtinfo6 libuuid1 zlib1g media-types
)
case $variant in
static) pkgs=("${static_pkgs[@]}") ;;
python3) pkgs=("${static_pkgs[@]}" "${python3_pkgs[@]}") ;;
*)
	echo "distroless.sh: unknown variant $variant" >&2
	exit 2
	;;
esac

if [ "${2:-}" = --changes ]; then
	echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'
	echo 'WORKDIR /'
	if [ "$variant" = python3 ]; then
		echo 'ENV LANG=C.UTF-8'
		echo 'ENTRYPOINT ["/usr/bin/python3.11"]'
	fi
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$work/debs" "$root"
(cd "$work/debs" && apt-get download -qq "${pkgs[@]}" >&2 2>/dev/null) || {
	echo "distroless.sh: apt-get download ${pkgs[*]} failed (run apt-get update first)" >&2
	(cd "$work/debs" && apt-get download "${pkgs[@]}") >&2
	exit 1
}
for deb in "$work"/debs/*.deb; do
	dpkg-deb -x "$deb" "$root"
done

# What the distroless images add around the packages.
mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/root" "$root/home/nonroot" "$root/var/lib"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
GROUP
chown 65532:65532 "$root/home/nonroot"
chmod 0700 "$root/home/nonroot"
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
sh "$here/slimify.sh" "$root"
rm -rf "$root/usr/share/lintian" "$root/usr/share/bug" "$root/usr/share/gcc" "$root/usr/share/gdb"

if [ "$variant" = python3 ]; then
	ln -sf python3.11 "$root/usr/bin/python3"
	# Every extension module of the standard library must load: catches a missing library.
	chroot "$root" /usr/bin/python3 -S - >&2 <<'PY'
import importlib, os, sys, sysconfig
dynload = os.path.join(sysconfig.get_paths()["platstdlib"], "lib-dynload")
failed = []
for name in sorted(os.listdir(dynload)):
    mod = name.split(".")[0]
    if mod in ("_tkinter", "_gdbm", "nis", "_testcapi", "_testinternalcapi", "_testbuffer",
               "_testimportmultiple", "_testmultiphase", "_xxtestfuzz", "_ctypes_test", "xxlimited",
               "xxlimited_35", "_xxsubinterpreters", "xxsubtype"):
        continue
    try:
        importlib.import_module(mod)
    except ImportError as e:
        failed.append(f"{mod}: {e}")
import ssl, json, sqlite3, hashlib, ctypes, decimal, lzma, bz2, zlib, uuid, readline, curses
if failed:
    sys.exit("distroless python3: extension modules that do not load:\n  " + "\n  ".join(failed))
print(f"distroless python3 {sys.version.split()[0]}: {ssl.OPENSSL_VERSION}, sqlite {sqlite3.sqlite_version}", file=sys.stderr)
PY
fi

tar -C "$root" --numeric-owner -cf - .
