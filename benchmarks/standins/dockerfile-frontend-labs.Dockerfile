# Stand-in for docker/dockerfile:1-labs: the docker/dockerfile:1 stand-in (dockerfile-frontend.sh)
# with its labs build (RUN --security, COPY --parents, COPY --exclude) as the entrypoint.
FROM docker/dockerfile:1
ENTRYPOINT ["/bin/dockerfile-frontend-labs"]
