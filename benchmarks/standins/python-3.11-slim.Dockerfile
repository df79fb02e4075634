# Stand-in for python:3.11-slim (bookworm): Debian's python 3.11 on the debian:bookworm-slim stand-in.
FROM debian:bookworm-slim
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV LANG=C.UTF-8
ENV PYTHON_VERSION=3.11.2
RUN --mount=type=bind,source=python,target=/tmp/standin sh /tmp/standin/setup.sh
CMD ["python3"]
