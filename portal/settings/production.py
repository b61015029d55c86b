"""Production: HTTPS only behind a proxy that says so, secure cookies, HSTS, a real secret key."""

from __future__ import annotations

from portal.settings import env
from portal.settings.base import *  # noqa: F403

DEBUG = env.flag("PORTAL_DEBUG")
SECRET_KEY = env.required(
    "PORTAL_SECRET_KEY",
    "Give the portal a long random secret (for example: python3 -c "
    "'import secrets; print(secrets.token_urlsafe(50))'), kept out of the repository.")

# TLS ends at the proxy in front of gunicorn; it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# That one proxy's X-Forwarded-For names the client (the sign-in rate limit counts by it).
PORTAL_PROXY_HOPS = env.count("PORTAL_PROXY_HOPS", 1)
SECURE_SSL_REDIRECT = env.flag("PORTAL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
