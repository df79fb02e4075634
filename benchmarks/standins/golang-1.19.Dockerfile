# Stand-in for golang:1.19 (bookworm): Debian's go 1.19 on the buildpack-deps:bookworm-scm stand-in,
# laid out as the official image (GOROOT reachable as /usr/local/go, GOPATH=/go).
FROM buildpack-deps:bookworm-scm
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		golang-1.19-go gcc libc6-dev make pkg-config \
	&& rm -rf /var/lib/apt/lists/* \
	&& ln -s /usr/lib/go-1.19 /usr/local/go \
	&& /usr/local/go/bin/go version
ENV GOLANG_VERSION=1.19.8
ENV GOPATH=/go
ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"
WORKDIR $GOPATH
