# Stand-in for jupyter/scipy-notebook (docker-stacks): a Python under /opt/conda
# (conda/build-prefix.sh; no conda, no Jupyter server) with numpy, pandas, scipy and matplotlib
# preinstalled (the scipy stack that a service moving off this base leaves behind),
# /opt/conda owned by the notebook user jovyan (uid 1000, group users 100) so that `pip install`
# as that user works and `/opt` itself stays root's, USER 1000, WORKDIR /home/jovyan, tini as
# ENTRYPOINT, the images' fix-permissions helper. The official image is several GB (JupyterLab,
# scikit-learn, seaborn ... as well); this one has only what the properties need.
FROM ubuntu:22.04 AS conda
# (the same first steps as pytorch-runtime.Dockerfile's, so that BuildKit's cache shares them)
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
RUN --mount=type=bind,source=conda,target=/tmp/standin sh /tmp/standin/build-prefix.sh
RUN /opt/conda/bin/pip install --no-cache-dir --root-user-action=ignore --disable-pip-version-check \
		'numpy==1.26.4' 'pandas==2.2.2' 'scipy==1.13.1' 'matplotlib==3.9.2' \
	&& /opt/conda/bin/python -c 'import numpy, pandas, scipy, matplotlib; print("numpy", numpy.__version__, "pandas", pandas.__version__, "scipy", scipy.__version__)'

FROM ubuntu:22.04
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
ENV CONDA_DIR=/opt/conda SHELL=/bin/bash NB_USER=jovyan NB_UID=1000 NB_GID=100 \
	LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE=C.UTF-8
ENV PATH=/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/jovyan
RUN --mount=type=bind,source=conda,target=/tmp/standin sh /tmp/standin/runtime-libs.sh tini \
	&& useradd --no-log-init --create-home --shell /bin/bash --uid 1000 --gid 100 jovyan \
	&& mkdir -p /home/jovyan/work && chown 1000:100 /home/jovyan/work
RUN --mount=type=bind,source=jupyter,target=/tmp/standin \
	install -m 0755 /tmp/standin/fix-permissions /tmp/standin/start-notebook.py /usr/local/bin/
COPY --from=conda --chown=1000:100 /opt/conda /opt/conda
COPY --from=conda /etc/pip.conf /etc/pip.conf
COPY --from=conda /usr/share/python-wheels /usr/share/python-wheels
RUN --mount=type=bind,source=conda,target=/tmp/standin /opt/conda/bin/python /tmp/standin/check.py
ENV PIP_FIND_LINKS=$SLIMMER_WHEELS_URL PIP_TRUSTED_HOST=$SLIMMER_WHEELS_HOST
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
ENV JUPYTER_PORT=8888 XDG_CACHE_HOME=/home/jovyan/.cache/
EXPOSE 8888
ENTRYPOINT ["tini", "-g", "--"]
CMD ["start-notebook.py"]
USER 1000
RUN python -c 'import numpy, pandas, sys; assert sys.prefix == "/opt/conda"' \
	&& touch /opt/conda/lib/python3.11/site-packages/.jovyan-can-write && rm /opt/conda/lib/python3.11/site-packages/.jovyan-can-write \
	&& ! touch /opt/.root-only 2>/dev/null
WORKDIR /home/jovyan
