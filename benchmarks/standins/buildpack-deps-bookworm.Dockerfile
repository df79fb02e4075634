# Stand-in for buildpack-deps:bookworm, the base of the official python:3.11 and node:18
# images: the package list of its full layer, on the buildpack-deps:bookworm-scm stand-in.
FROM buildpack-deps:bookworm-scm
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		autoconf automake bzip2 default-libmysqlclient-dev dpkg-dev file g++ gcc \
		imagemagick libbz2-dev libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev \
		libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev libkrb5-dev \
		liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev \
		libncursesw5-dev libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev \
		libtool libwebp-dev libxml2-dev libxslt-dev libyaml-dev make patch unzip \
		xz-utils zlib1g-dev \
	&& rm -rf /var/lib/apt/lists/*
