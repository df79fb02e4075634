# slimmer: build stage with the toolchain; only its artifacts ship
FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS builder
RUN apt-get update && apt-get install -y python3
WORKDIR /app
COPY . .
RUN nvcc -O2 -shared -Xcompiler -fPIC --cudart shared -o libsaxpy.so saxpy.cu

# slimmer: runtime stage: the slim base and what the app needs to run
FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /app /app
CMD ["python3", "server.py"]
