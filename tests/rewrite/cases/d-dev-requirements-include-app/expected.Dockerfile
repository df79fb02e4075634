# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
WORKDIR /usr/src/app
RUN apt-get update && apt-get -y install gcc
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN pip install --upgrade pip
COPY ./requirements.txt .
COPY ./requirements-dev.txt .
RUN pip install -r requirements-dev.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
WORKDIR /usr/src/app
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY ./requirements.txt .
COPY ./requirements-dev.txt .
COPY . .
CMD ["python", "app.py"]
