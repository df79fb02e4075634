# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
RUN apt-get update && apt-get install -y gcc
WORKDIR /app
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY requirements.txt ./
RUN pip install -r requirements.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY . .
RUN pip install --no-cache-dir pytest && pytest -q || true
CMD ["python", "app.py"]
