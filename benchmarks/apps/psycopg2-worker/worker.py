"""A job worker: claims jobs from a PostgreSQL table with SKIP LOCKED and runs them.

    python worker.py           # poll the queue forever
    python worker.py --check   # check the configuration and libpq, without a database
"""

import os
import sys
import time

import psycopg2
import psycopg2.extensions

CLAIM = """
UPDATE jobs SET state = 'running', started_at = now()
WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id, kind, payload
"""


def dsn() -> dict:
    return psycopg2.extensions.parse_dsn(os.environ.get("DATABASE_URL", "postgresql://worker@db:5432/jobs"))


def run(kind: str, payload: dict) -> None:
    print(f"running {kind}: {payload}", flush=True)


def poll() -> None:
    conn = psycopg2.connect(**dsn(), connect_timeout=5)
    conn.autocommit = True
    while True:
        with conn.cursor() as cur:
            cur.execute(CLAIM)
            job = cur.fetchone()
            if job is None:
                time.sleep(1)
                continue
            job_id, kind, payload = job
            run(kind, payload)
            cur.execute("UPDATE jobs SET state = 'done' WHERE id = %s", (job_id,))


def check() -> None:
    params = dsn()
    version = psycopg2.extensions.libpq_version()
    try:
        psycopg2.connect(**params, connect_timeout=2).close()
        reached = "connected"
    except psycopg2.OperationalError:
        reached = "unreachable"
    print(f"check host={params['host']} dbname={params['dbname']} libpq={version // 10000} database={reached}")


if __name__ == "__main__":
    check() if "--check" in sys.argv else poll()
