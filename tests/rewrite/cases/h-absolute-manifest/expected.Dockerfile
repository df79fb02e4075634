# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
WORKDIR /code
COPY ./requirements.txt /code/requirements.txt
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN pip install --no-cache-dir -r /code/requirements.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
WORKDIR /code
COPY ./requirements.txt /code/requirements.txt
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY . /code
CMD ["python", "app.py"]
