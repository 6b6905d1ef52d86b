"""gunicorn settings for the Communities Fund: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every worker is stateless (sessions are signed cookies, rate limits live in Redis when RATELIMIT_STORAGE_URI says
so, outbox claims are rows locked in the database), so the number of workers and of servers can grow freely."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb for synchronous workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Reports and 360Giving exports stream; a minute is ample for the slowest page, and a stuck worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Replace each worker after a while so that a slow leak can never grow without bound.
max_requests = 1000
max_requests_jitter = 100
# nginx on the same machine terminates TLS and sets X-Forwarded-*; the app trusts TRUSTED_PROXY_COUNT hops.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No query strings in the access log: a reset or invitation link carries its token there.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
limit_request_line = 8190
