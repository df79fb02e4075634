#!/bin/sh
# The modern engine container's entrypoint (see modern-engine.sh): make the container's cgroup
# mounts writable for the inner dockerd, clear the pid files a killed run left, start dockerd.
# The container runs with all capabilities the host allows but not --privileged (a host whose
# bounding set lacks one, such as CAP_SYS_RESOURCE, cannot start privileged containers), so
# the cgroup file systems arrive read-only.
set -eu
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	# cgroup v2: move this container's processes into a child group so that the controllers
	# can be delegated to the inner engine's containers (what moby's dind script does).
	mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
	mkdir -p /sys/fs/cgroup/init
	xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true
	sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
else
	for d in /sys/fs/cgroup/*; do
		[ -d "$d" ] && mount -o remount,bind,rw "$d" 2>/dev/null || true
	done
fi
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
exec dockerd --host=tcp://0.0.0.0:2375 --host=unix:///var/run/docker.sock --tls=false "$@"
