# slimmer: build stage with the toolchain; only its artifacts ship
FROM ubuntu:22.04 AS builder
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv gcc
WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv --system-site-packages /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN python3 -m pip install -r requirements.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY . .
CMD ["python3", "app.py"]
