"""WSGI entry point for gunicorn: ``gunicorn unknot.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unknot.config.settings.prod")
application = get_wsgi_application()
