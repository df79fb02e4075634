# Stand-in for buildpack-deps:bookworm-scm, the base of the official golang images (and, under
# the full buildpack-deps:bookworm, of python:3.11 and node:18): the package lists of
# its curl and scm layers.
FROM debian:bookworm-slim
# The official buildpack-deps derives from debian:bookworm, not -slim: later installs keep
# their docs and man pages.
RUN rm -f /etc/dpkg/dpkg.cfg.d/docker
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		ca-certificates curl gnupg dirmngr netbase wget \
		git mercurial openssh-client subversion procps \
	&& rm -rf /var/lib/apt/lists/*
