FROM ubuntu:22.04
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y python3-pip gcc && pip3 install --no-cache-dir -r requirements.txt && rm -rf /var/lib/apt/lists/*
CMD ["python3", "app.py"]
