# Stand-in for python:3.11 (bookworm): Debian's python 3.11 and its headers on the
# buildpack-deps:bookworm stand-in, as the official image builds on buildpack-deps.
FROM buildpack-deps:bookworm
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV LANG=C.UTF-8
ENV PYTHON_VERSION=3.11.2
RUN --mount=type=bind,source=python,target=/tmp/standin sh /tmp/standin/setup.sh python3-dev
CMD ["python3"]
