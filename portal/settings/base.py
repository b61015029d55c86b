"""Settings every profile shares; each value a deployment changes comes from the environment."""

from __future__ import annotations

from pathlib import Path

from portal.settings import env
from warranty_desk.clock import Clock, SystemClock

PACKAGE = Path(__file__).resolve().parents[1]

DEBUG = env.flag("PORTAL_DEBUG")
ALLOWED_HOSTS = env.words("PORTAL_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.words("PORTAL_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Before the portal's apps: their tasks modules register on its app when it is ready.
    "procrastinate.contrib.django",
    "portal.branches",
    "portal.receiver",
    "portal.inbox",
    "portal.projections",
    "portal.staff",
    "portal.health",
    "portal.public",
    "portal.webshop",
    # Before allauth: its sign-in templates are the portal's own (portal/customers/templates).
    "portal.customers",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The content security policy (portal.csp): no inline or foreign script anywhere (htmx is the
# portal's own file), and no inline style either: the pages' styles are the portal's static CSS
# files (tests/portal/test_portal_csp_styles.py keeps templates free of <style> and style=).
# Forms post only to the portal; no page is framed.
PORTAL_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    # A payment provider whose checkout page a form is sent on to: its origin, from the env.
    "form-action": ["'self'", *env.words("PORTAL_CSP_FORM_ACTION")],
    "frame-ancestors": ["'none'"],
}

# The branch whose catalogue the public product page (/products/) answers from when more than
# one lists a product and the asker names none (`?branch=`); otherwise the first by code.
PORTAL_CATALOGUE_BRANCH = env.word("PORTAL_CATALOGUE_BRANCH").upper()

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(env.required(
        "PORTAL_DATABASE_URL",
        "Give the portal's PostgreSQL database as postgresql://USER:PASSWORD@HOST:PORT/NAME "
        "(for the private development cluster: `python3 portal/devdb.py url portal`).")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The cache holds allauth's sign-in rate limits (per address and per client address). Kept in
# PostgreSQL so every app process and host counts the same requests: the local-memory default
# gives each gunicorn worker its own count, which multiplies the limits by the workers and
# forgets them on every restart. The table comes with `migrate` (customers 0005).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The portal's one clock (portal.clock): the wall clock here and in production; development
# and tests may stand it at an instant (PORTAL_CLOCK_AT, dev profile only).
PORTAL_CLOCK: Clock = SystemClock()

STATIC_URL = "static/"
STATIC_ROOT = env.path("PORTAL_STATIC_ROOT", PACKAGE.parent / ".portal-static")
MEDIA_ROOT = env.path("PORTAL_MEDIA_ROOT", PACKAGE.parent / ".portal-media")
STORAGES = {
    # Documents the branches upload; an S3-compatible bucket (django-storages) replaces the
    # folder past one machine without touching the code that reads and writes them.
    "default": env.document_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "office:sign-in"
LOGIN_REDIRECT_URL = "office:health"
# Staff sign in with a password (Django's backend); customers by a one-time code (allauth's).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                           "allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "portal.customers.signin.CustomerAdapter"
ACCOUNT_FORMS = {"request_login_code": "portal.customers.signin.RequestCode"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# The answer to "send me a code" never tells whether an address is known, and an unknown one
# is sent nothing (no mail to people who never bought here).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {"request_login_code": "20/m/ip,3/m/key,10/h/key",
                       "login_failed": "10/m/ip,5/5m/key"}
ALLAUTH_TRUSTED_PROXY_COUNT = env.count("PORTAL_PROXY_HOPS", 0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
DEFAULT_FROM_EMAIL = env.word("PORTAL_MAIL_FROM", "warranties@localhost")
EMAIL_HOST = env.word("PORTAL_SMTP_HOST", "localhost")
EMAIL_PORT = env.count("PORTAL_SMTP_PORT", 25)
# Text messages (sign-in codes by phone): a class with send(to, text, reference), see
# portal.customers.sms. portal.customers.sms.HttpJsonGateway is the generic HTTP JSON gateway,
# configured by the three settings after it (the token from the environment only).
PORTAL_SMS_GATEWAY = env.word("PORTAL_SMS_GATEWAY", "portal.customers.sms.LoopbackSms")
PORTAL_SMS_URL = env.word("PORTAL_SMS_URL")
PORTAL_SMS_TOKEN = env.word("PORTAL_SMS_TOKEN")
PORTAL_SMS_SENDER = env.word("PORTAL_SMS_SENDER")
# Paying for an extension online: a class with start() and paid(), see
# portal.customers.payments; none (customers pay at the shop) unless one is named.
PORTAL_PAYMENT_PROVIDER = env.word("PORTAL_PAYMENT_PROVIDER")

# Staff sessions end with the browser and after eight idle hours: a shared office PC signs out.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_SAMESITE = "Lax"
# Django's database sessions, expiring on the portal clock (portal.sessions).
SESSION_ENGINE = "portal.sessions"
CSRF_COOKIE_HTTPONLY = True
# How many proxies stand in front of the app (each adds the address it saw to X-Forwarded-For):
# the sign-in rate limit counts per client address, not per proxy.
PORTAL_PROXY_HOPS = env.count("PORTAL_PROXY_HOPS", 0)

# A document is at most 25 MB (warranty_desk.rules.document_types); a batch of 500 events is
# well under that. Bigger bodies are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 26 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # The portal's own loggers, not the root: a process that embeds the portal (a test run)
    # keeps its own logging.
    "loggers": {name: {"handlers": ["console"], "level": level, "propagate": False}
                for name, level in (("portal", "INFO"), ("django", "INFO"),
                                    ("procrastinate", "WARNING"))},
}
