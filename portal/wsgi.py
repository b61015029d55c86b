"""The WSGI application gunicorn serves (production settings unless DJANGO_SETTINGS_MODULE says)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()
# Every view's module imported now, as a worker starts, not during its first request: that
# import took ~0.7 s, which the first people on each of gunicorn's workers waited for.
get_resolver().url_patterns  # noqa: B018 (reading it imports the URL modules and their views)
