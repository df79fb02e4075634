# slimmer: build stage with the toolchain; only its artifacts ship
FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel AS builder
WORKDIR /workspace
COPY requirements.txt .
RUN python -m venv --system-site-packages /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN pip install -r requirements.txt

# slimmer: runtime stage: the slim base and what the app needs to run
FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime
WORKDIR /workspace
COPY requirements.txt .
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
COPY serve.py .
CMD ["python", "serve.py"]
