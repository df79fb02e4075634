FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel
WORKDIR /workspace
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY serve.py .
CMD ["python", "serve.py"]
