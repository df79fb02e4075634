# Stand-in for ubuntu:22.04: the debian:bookworm-slim stand-in under Ubuntu's name (Debian 12,
# not Ubuntu: apt's python3 is 3.11, not 3.10). One difference of bookworm that Dockerfiles
# written for jammy trip over is kept out: jammy's python has no PEP 668 marker, so
# `apt-get install python3-pip && pip install ...` works as root; dpkg here never installs the
# marker (EXTERNALLY-MANAGED) either.
FROM debian:bookworm-slim
RUN printf '# stand-in for ubuntu:22.04: no PEP 668 marker, as on jammy\npath-exclude /usr/lib/python3*/EXTERNALLY-MANAGED\n' \
	>/etc/dpkg/dpkg.cfg.d/slimmer-standin-jammy-pip
CMD ["/bin/bash"]
