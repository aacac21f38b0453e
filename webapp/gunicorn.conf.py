"""gunicorn settings for serving Knee Helper: ``gunicorn -c webapp/gunicorn.conf.py webapp.wsgi:app``.

Threaded workers (gthread), not gunicorn's default sync worker: a sync worker serves one connection
at a time, so one idle TCP connection blocked every request behind it (review defect 8). A gthread
worker waits for a new connection's first bytes in a thread for at most 5 seconds and then parks it
on its poller, and kept-alive connections wait on the poller too, so a few idle or slow clients take
a few of the threads and never the worker. For traffic from the internet, put a reverse proxy that
buffers requests (nginx, a load balancer) in front: many slow clients are its job.

Every setting can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os

bind = os.environ.get("KNEE_HELPER_BIND", "127.0.0.1:5000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 16
timeout = 30  # a worker whose main loop stops answering is replaced after this long
graceful_timeout = 10
keepalive = 5  # idle kept-alive connections are closed after this long
limit_request_line = 8190
limit_request_fields = 100
