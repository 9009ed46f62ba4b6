"""
gunicorn's settings for Newsroom in production: `gunicorn -c gunicorn.conf.py`.

`make serve` and `bench/run-benchmark` use this file as it is; a deployment sets the
environment (PORT, HOST, WEB_CONCURRENCY, GUNICORN_ACCESS_LOG) rather than editing it.
"""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"

# Loopback by default: in production nginx (deploy/nginx.conf) sits in front on the same
# machine. HOST=0.0.0.0 exposes it, e.g. in a container behind a load balancer.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Synchronous workers, one per core plus one: a request spends nearly all its time on
# the CPU (a page held in memory, or a render whose few queries are prepared), so one
# worker per core keeps the cores busy, and the one more takes over while another
# waits on PostgreSQL or Redis. gunicorn's rule of thumb, two per core plus one, is
# for apps that wait more: on the news day's two cores (bench/NEWSDAY.md), three
# workers answered 5-12% more requests than five, with a p99 of 50 ms against
# 73 ms: five took turns on the cores with each other. More workers (or
# WEB_CONCURRENCY) where PostgreSQL is far away; fewer where memory is tight.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"

# A page renders in milliseconds; a request still running after 30 s is stuck, and the
# worker is better restarted than left to hold its slot.
timeout = 30
graceful_timeout = 30
# Sync workers close each connection after its response, whatever the peer asks
# (gunicorn's sync worker does not keep connections alive), so this applies only to
# another worker class (GUNICORN_CMD_ARGS="--worker-class gthread"). Threaded
# workers, which keep them alive, answered no more requests a second on the news
# day's machine: 3,360-4,150 against 3,890-3,950, pages held in memory (wrk, 16
# connections, 20 s).
keepalive = 5

# Import Django and the app once, before forking: workers start at once and share the
# loaded code's memory. Database connections are opened lazily, per worker, after fork.
preload_app = True

# The worker heartbeat file on tmpfs: on a slow or overlay disk, writing it can stall a
# worker long enough for the arbiter to think it hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# No access log unless asked for ("-" for standard output, or a file path): a line per
# request costs throughput, and nginx in front keeps one anyway. Errors always go to
# standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 25+ opens a control socket at one fixed path per user: two servers on one
# machine (the benchmark's, the tests') would take it from each other, and nothing here
# uses it. Older versions ignore the name.
control_socket_disable = True
