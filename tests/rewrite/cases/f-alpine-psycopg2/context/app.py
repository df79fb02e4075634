import psycopg2; print("pg ok")
