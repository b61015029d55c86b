"""Development and tests: plain HTTP on loopback, a fixed key unless one is given."""

from __future__ import annotations

import os

from portal.settings import env
from portal.settings.base import *  # noqa: F403

DEBUG = True
# Only for a portal on this machine; production refuses to start without its own key.
SECRET_KEY = os.environ.get("PORTAL_SECRET_KEY") or "dev-only-key-never-used-in-production-0000"
STORAGES = {
    **STORAGES,  # noqa: F405
    # No manifest to build: tests and `make run` serve static files straight from the apps.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Tests stand the portal's clock at an instant (every process of a test run at the same one).
PORTAL_CLOCK = env.clock("PORTAL_CLOCK_AT")
# `make run`: outgoing mail (customers' sign-in codes) as files in this folder, where a
# newcomer reads their code with no mail server (packaging/demo_portal.py says where).
if os.environ.get("PORTAL_MAIL_FOLDER"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["PORTAL_MAIL_FOLDER"]
# Development and tests pay extensions at once through the loopback provider.
PORTAL_PAYMENT_PROVIDER = env.word("PORTAL_PAYMENT_PROVIDER",
                                   "portal.customers.payments.LoopbackPayments")
