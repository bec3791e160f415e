"""Gunicorn settings for `make serve` and for production (docs/deploy.md).

Each can be changed from the environment; a bad value stops the start with a
message naming the variable, as in the Django settings.
"""

import os

from ntm_portal.env import env_int, env_str

wsgi_app = "ntm_portal.wsgi:application"
# Behind nginx on the same machine; another address (0.0.0.0:8000) when the proxy is elsewhere.
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")

# Two processes per core, plus one, each with a few threads: the pages mostly wait
# on PostgreSQL. On a 2-core server: 5 workers × 2 threads = 10 requests at once,
# and as many PostgreSQL connections.
# The cores this process may use (a container's share, not the host's), where known.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = env_int("GUNICORN_WORKERS", 2 * cores + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 2, minimum=1)
# Large exports take seconds, not minutes; a worker stuck longer is restarted.
timeout = env_int("GUNICORN_TIMEOUT", 120, minimum=1)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that slow memory growth never adds up.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10

# Load Django once, before forking: a missing or bad variable stops the start at
# once with Django's message, instead of workers failing to boot one by one.
preload_app = True

# Access log to standard output (journald under systemd); the client is the
# address nginx passes on.
accesslog = "-"
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# No control socket (gunicornc): systemd starts and stops the server, and two
# instances on one machine must not share a socket in $HOME.
control_socket_disable = True
# Proxies whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def when_ready(server):
    """Load the URL configuration and every view module in the master, before forking.

    preload_app imports the WSGI application only; Django resolves the URLs
    (importing the views, forms, tables and openpyxl) on the first request, so
    each new worker answered its first request in about a second. Loaded
    here, the workers inherit it.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
