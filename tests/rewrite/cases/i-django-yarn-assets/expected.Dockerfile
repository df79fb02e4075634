# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN apt-get update && apt-get install -y gcc libpq-dev nodejs npm && npm install -g yarn
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
RUN yarn install && yarn build

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /app /app
RUN python manage.py collectstatic --noinput
CMD ["gunicorn", "site.wsgi"]
