# Stand-in for python:3.11-slim (bookworm): Debian's python 3.11 on the debian:bookworm-slim stand-in.
FROM debian:bookworm-slim
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV LANG=C.UTF-8
ENV PYTHON_VERSION=3.11.2
RUN --mount=type=bind,source=python,target=/tmp/standin sh /tmp/standin/setup.sh
CMD ["python3"]
# Stand-in only: the local torch CPU wheel for builds, served on the docker bridge by
# setup-engine (an unchanged `pip install torch==2.13.0` takes it; PIP_TRUSTED_HOST names that
# one plain-http address), and the system CA bundle, which carries the host's extra CAs, for
# tools with their own (uv, requests/certifi). Last, so the layers above stay cached.
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
ENV PIP_FIND_LINKS=$SLIMMER_WHEELS_URL PIP_TRUSTED_HOST=$SLIMMER_WHEELS_HOST
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
