"""gunicorn settings for the demo: ``gunicorn -c python:unknot.config.gunicorn_demo``.

Threads let one slow request (a PDF, an export) not hold up the others; the kernel's listen
backlog queues bursts instead of resetting connections. The address is given with --bind.
"""

wsgi_app = "unknot.config.wsgi:application"
workers = 2
threads = 8
worker_class = "gthread"
backlog = 2048
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
