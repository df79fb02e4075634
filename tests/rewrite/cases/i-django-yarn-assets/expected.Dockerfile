FROM python:3.11
RUN apt-get update && apt-get install -y gcc libpq-dev nodejs npm && npm install -g yarn && rm -rf /var/lib/apt/lists/* && npm cache clean --force
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
RUN yarn install && yarn build
RUN python manage.py collectstatic --noinput
CMD ["gunicorn", "site.wsgi"]
