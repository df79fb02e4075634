# slimmer: build stage with the toolchain; only its artifacts ship
FROM python:3.11 AS builder
WORKDIR /home/app
ENV VIRTUAL_ENV=/home/app/venv
RUN python -m venv $VIRTUAL_ENV
ENV PATH="$VIRTUAL_ENV/bin:$PATH"
COPY requirements.txt .
RUN pip install -r requirements.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM python:3.11-slim
RUN useradd --create-home app
WORKDIR /home/app
ENV VIRTUAL_ENV=/home/app/venv
COPY --from=builder /home/app/venv /home/app/venv
ENV PATH="$VIRTUAL_ENV/bin:$PATH"
COPY requirements.txt .
COPY app.py .
USER app
CMD ["python", "app.py"]
