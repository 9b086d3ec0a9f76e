"""Settings, all from the environment (see docs/configuration.md).

DEBUG is off unless XARXA_DEBUG says otherwise; the database is an embedded
SQLite file unless DATABASE_URL names another one.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("XARXA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (sqlite:///path, postgres://user:pw@host:port/name) into
    Django's DATABASES entry."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as dj-database-url reads them
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return sqlite_database(path or str(VAR_DIR / "xarxa.sqlite3"))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "xarxa",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("XARXA_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {parts.scheme!r}"
    )


def sqlite_database(path: str) -> dict:
    if path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers (the web server) go on while an import writes;
            # IMMEDIATE takes the write lock at BEGIN so two writers queue
            # instead of failing half-way with "database is locked".
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=10000;"
                "PRAGMA cache_size=-65536;"
                # Reads through the OS's page cache instead of copying pages
                # in: a directory search over 100,000 organisations from a
                # fresh connection, 80 → 59 ms (docs/performance.md).
                "PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": os.environ.get("XARXA_TEST_SQLITE") or None},
        # A worker keeps its connection, and with it SQLite's page cache.
        "CONN_MAX_AGE": int(os.environ.get("XARXA_CONN_MAX_AGE", "60")),
    }


def secret_key_file(path: Path) -> str:
    """The installation's own random key, made on first start and kept in
    XARXA_VAR_DIR, readable by its owner only: a key written in the source
    would let anyone forge sessions."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


DEBUG = env_bool("XARXA_DEBUG", False)
SECRET_KEY = os.environ.get("XARXA_SECRET_KEY", "")
if not SECRET_KEY:
    if os.environ.get("XARXA_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("Set XARXA_SECRET_KEY.")
    SECRET_KEY = secret_key_file(VAR_DIR / "secret_key")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("XARXA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("XARXA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER
    "xarxa.core",
    "xarxa.history",
    "xarxa.territory",
    "xarxa.directory",
    "xarxa.network",
    "xarxa.activity",
    "xarxa.training",
    "xarxa.interop",
    "xarxa.accounts",
    "xarxa.graph",
    "xarxa.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xarxa.accounts.middleware.ViewerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xarxa.urls"
WSGI_APPLICATION = "xarxa.wsgi.application"
# Widgets render with the project's templates too (core/ref_widget.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xarxa.accounts.middleware.viewer",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(str(VAR_DIR / "xarxa.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Catalan first: it is the language of the entities Xarxa is made for.
LANGUAGE_CODE = "ca"
# The `xarxa` command sets this from the user's locale (xarxa/cli.py).
if os.environ.get("XARXA_COMMAND_LANGUAGE") in {"ca", "es", "en"}:
    LANGUAGE_CODE = os.environ["XARXA_COMMAND_LANGUAGE"]
LANGUAGES = [("ca", _("Catalan")), ("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("XARXA_TIME_ZONE", "Europe/Madrid")
# Events without a time zone of their own happen in this one (xarxa/core/times.py).
XARXA_EVENT_TIME_ZONE = os.environ.get("XARXA_EVENT_TIME_ZONE", TIME_ZONE)
# An agreement shows as expiring this many days before its end, unless it says otherwise.
XARXA_AGREEMENT_NOTICE_DAYS = int(os.environ.get("XARXA_AGREEMENT_NOTICE_DAYS", "90"))
# The largest document an agreement may have, in MiB.
XARXA_MAX_DOCUMENT_MB = int(os.environ.get("XARXA_MAX_DOCUMENT_MB", "20"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("XARXA_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("XARXA_MEDIA_ROOT", VAR_DIR / "media"))

# Front-end packages come from npm at setup (package.json, package-lock.json);
# only the files the pages load are collected.
NODE_MODULES = Path(os.environ.get("XARXA_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS: list = [
    BASE_DIR / "static",  # Xarxa's own CSS and scripts (xarxa/ is not an app)
    *((f"vendor/{name}", NODE_MODULES / package / "dist")
    for name, package in (("htmx", "htmx.org"), ("leaflet", "leaflet"),
                          ("sigma", "sigma"), ("graphology", "graphology"))
    if (NODE_MODULES / package / "dist").is_dir()),
]

# Accounts: sign-in pages, and mail for password resets and invitations,
# written to the console unless an SMTP server is configured.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Sign in with a username or an e-mail address.
AUTHENTICATION_BACKENDS = ["xarxa.accounts.backends.UsernameOrEmailBackend"]
LOGOUT_REDIRECT_URL = "directory"
if os.environ.get("XARXA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["XARXA_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("XARXA_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("XARXA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("XARXA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("XARXA_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("XARXA_FROM_EMAIL", "xarxa@localhost")
# How long an invitation link works.
XARXA_INVITATION_DAYS = int(os.environ.get("XARXA_INVITATION_DAYS", "14"))
# Where Xarxa is served (https://xarxa.example.org), for links made outside a
# request: `xarxa invite` mails one.
XARXA_BASE_URL = os.environ.get("XARXA_BASE_URL", "")

# The admin edits a whole organisation at once; imports are done by the CLI.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XARXA_LOG_LEVEL", "WARNING")},
}
