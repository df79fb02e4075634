# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy PATH="/opt/venv/bin:$PATH"
RUN pip install uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --no-dev --no-install-project --locked
COPY . .
RUN uv sync --no-dev --locked

# slimmer: tests run here; build it with --target test
FROM builder AS test
RUN uv sync --locked
RUN uv run pytest -q

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
WORKDIR /app
COPY . .
CMD ["python", "-m", "hello"]
