"""Settings, read from the environment.

The embedded default needs nothing set: SQLite and a generated secret key in the data directory
(`./var`, or `SHIGAN_HOME`). Production sets `DATABASE_URL`, `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# settings read by DRF's throttles, django-csp and django-permissions-policy
from shigan.api_limits import SHIGAN_API_RATE_ANON, SHIGAN_API_RATE_USER, THROTTLE_CLASSES  # noqa: F401
from shigan.security_headers import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SHIGAN_HOME", "var")).resolve()
# SHIGAN_HOME (the SQLite database, keys, evidence files): 0700, its files 0600 (issue 16).
if not HOME.exists():
    HOME.mkdir(mode=0o700, parents=True)
    HOME.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create `path` empty with mode 0600, or take an existing one of ours down to 0600."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        path.chmod(0o600)
    except PermissionError:  # someone else's file (a shared install): leave it to its owner
        pass


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _embedded_secret_key() -> str:
    """Generated once and kept beside the embedded database, so sessions survive restarts."""
    HOME.mkdir(parents=True, exist_ok=True)
    key_file = HOME / "secret_key"
    if not key_file.exists():
        _private_file(key_file)  # 0600 before the key is in it
        key_file.write_text(secrets.token_urlsafe(50))
    _private_file(key_file)
    return key_file.read_text().strip()


# Production is a secret key given by the operator; the embedded demo generates its own keys.
PRODUCTION = "SECRET_KEY" in os.environ
SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
DEBUG = env_bool("DEBUG", False)
# HTTPS-only cookies and redirects in production; the embedded demo serves HTTP on loopback.
HTTPS = env_bool("SHIGAN_HTTPS", PRODUCTION and not DEBUG)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    # before django.contrib.auth: `changepassword` is shigan's (through the accounts service)
    "shigan.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "treebeard",
    "shigan.core",
    "shigan.audit",
    "shigan.orgs",
    "shigan.metrics",
    "shigan.campaigns",
    "shigan.research",
    "shigan.study",
    "shigan.problems",
    "shigan.initiatives",
    "shigan.notifications",
    "shigan.petitions",
    "shigan.dashboards",
    "shigan.briefings",
    "shigan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shigan.accounts.idle.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shigan.accounts.private_pages.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shigan.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "shigan.accounts.gate.AccountGateMiddleware",
    # Last: it sees the signed-in user, and a repeated form never reaches the view.
    "shigan.core.submissions.SubmitOnceMiddleware",
    # An API write sent again with the same Idempotency-Key gets the first answer back.
    "shigan.core.idempotency.IdempotencyKeyMiddleware",
]

ROOT_URLCONF = "shigan.urls"
# Widgets are drawn with the project's templates, so that shigan's own widget templates apply
# (an empty choice reads "请选择", not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "shigan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shigan.core.context_processors.shell",
                "shigan.audit.context_processors.audit",
                "shigan.notifications.context_processors.unread",
            ],
            # The figure formatter (count, money …) is in every template.
            "builtins": ["shigan.core.templatetags.shigan_format"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{HOME / 'shigan.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        # An empty file is an empty SQLite database; SQLite gives its -wal and -shm files the
        # database file's mode.
        _private_file(Path(DATABASES["default"]["NAME"]))
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages run many small indexed queries whose estimated cost passes jit_above_cost:
    # PostgreSQL then spends 20-30 ms compiling a query that runs in 0.02 ms (bench/dashboards.py
    # at L). An `options` given in DATABASE_URL (?options=...) wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shigan.accounts.validators.CharacterClassValidator"},  # 3 of 4 character classes
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session expires 30 minutes after the last request. The expiry slides
# forward when a request would move it by more than a minute (shigan.accounts.idle), not with
# a session write on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SHIGAN_IDLE_TIMEOUT_SECONDS", "1800"))
SESSION_ENGINE = "shigan.accounts.idle"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout (issue 16): 5 failures lock a user name from the address they came from, for 30
# minutes; the same user name from another address still logs in (nobody can lock the office
# out from outside). One address is throttled across all user names after
# SHIGAN_LOGIN_ADDRESS_LIMIT failures (password spraying) — set it above what an office behind
# one NAT address produces. Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT so the client's
# address, not the proxy's, is counted. `shigan login_unlock` lifts a lockout (audited).
AXES_HANDLER = "shigan.accounts.lockout.LoginGuard"
AXES_FAILURE_LIMIT = int(os.environ.get("SHIGAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SHIGAN_LOGIN_ADDRESS_LIMIT = int(os.environ.get("SHIGAN_LOGIN_ADDRESS_LIMIT", "20"))
# Second factor (issue 16): a TOTP app (django-otp) with one-use recovery codes; required of the
# system, security and audit administrators, superusers and unit administrators (who grant
# roles), optional for everyone else. Until it is passed, a session opened by the login page
# reaches nothing but the second-factor pages.
OTP_TOTP_ISSUER = "shigan"
SHIGAN_OTP_RECOVERY_CODES = 10
# Password ageing: after this many days a user must change the password first (0: off).
SHIGAN_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SHIGAN_PASSWORD_MAX_AGE_DAYS", "90"))
# A new password may be neither the current one nor one of the last N (0: only the current).
SHIGAN_PASSWORD_HISTORY = int(os.environ.get("SHIGAN_PASSWORD_HISTORY", "5"))
# API tokens live this many days at most (their creator may choose fewer); an expired token is
# refused (401, code token_expired) and a new one is made on the tokens page.
SHIGAN_API_TOKEN_DAYS = int(os.environ.get("SHIGAN_API_TOKEN_DAYS", "90"))
# Concurrent sessions per account: a login beyond this ends the oldest session (0: off).
SHIGAN_MAX_SESSIONS = int(os.environ.get("SHIGAN_MAX_SESSIONS", "3"))
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Public assets: readable by a web server of another user that may serve /static/.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
# Uploaded and generated files (evidence, petition materials, job files) are 0600 in 0700
# directories under SHIGAN_HOME, whatever the umask (issue 16).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_ROOT = HOME / "media"
WHITENOISE_USE_FINDERS = True

REDIS_URL = os.environ.get("REDIS_URL", "")

# Page fragments cached on data versions (core/versions.py). An entry is keyed by the tokens of
# the data it shows, so a shared cache is not needed for correctness: with Redis the workers
# share their entries, without it each worker process keeps its own.
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}
CACHES["default"].update(KEY_PREFIX="shigan", TIMEOUT=600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its `WWW-Authenticate: Token` makes an anonymous request a 401, not a 403.
        "shigan.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "shigan.core.api.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "shigan.core.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shigan.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": THROTTLE_CLASSES,  # rates: shigan/api_limits.py
}
SPECTACULAR_SETTINGS = {
    "TITLE": "shigan API",
    "DESCRIPTION": "实干 工作台账 REST API",
    "VERSION": "0.1.0",
    # The docs pages load Swagger UI and Redoc from the vendored sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its docs describe every endpoint: for logged-in users (session or token)
    # unless the operator opens them with SHIGAN_API_DOCS_PUBLIC=1.
    "SERVE_PERMISSIONS": ["shigan.core.api.DocsPermission"],
    # Choice sets behind fields of the same name ("kind", "state") in several apps: without a
    # name here the schema would get hashed names (Kind1b6Enum …) and a warning for each.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "shigan.orgs.choices.UnitKind",
        "RoleEnum": "shigan.orgs.choices.Role",
        "AspectKindEnum": "shigan.campaigns.choices.AspectKind",
        "BriefingStateEnum": "shigan.briefings.choices.BriefingState",
        "CaseKindEnum": "shigan.petitions.choices.CaseKind",
        "ProblemStateEnum": "shigan.problems.choices.ProblemState",
        "ProjectKindEnum": "shigan.initiatives.choices.ProjectKind",
        "ProjectStateEnum": "shigan.initiatives.choices.ProjectState",
        "ResultKindEnum": "shigan.research.choices.ResultKind",
        "ResultStateEnum": "shigan.research.choices.ResultState",
        "RuleKindEnum": "shigan.problems.choices.RuleKind",
        "StudyKindEnum": "shigan.study.choices.StudyKind",
        "TopicStateEnum": "shigan.research.choices.TopicState",
    },
}

# The Content-Security-Policy and Permissions-Policy: shigan/security_headers.py
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "shigan.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: pages hand the token to htmx (base.html's hx-headers) and
# Swagger UI through the template.
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background tasks
# With REDIS_URL set, tasks go to Redis and `shigan worker` runs them. Without it (the embedded
# default) Celery runs each task in the sending process as it is sent (ALWAYS_EAGER): the same
# task code and the same Job rows, no broker, no extra process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged when it ends, and a pool process that dies mid-task hands its message
# back (issue 16): the job's row, not the broker, then decides (core.jobs.job_sweep).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "shigan"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The daily watch (deadline lights, statutory clocks) at 06:30; `shigan watch` runs it by hand.
CELERY_BEAT_SCHEDULE = {
    "shigan-watch-daily": {
        "task": "shigan.watch_daily",
        "schedule": crontab(hour=6, minute=30),
    },
    # The daily digest of notices (issue 18) at SHIGAN_NOTIFY_DIGEST_HOUR, and the release of
    # messages held over quiet hours.
    "shigan-notify-digest": {
        "task": "shigan.notify_digest",
        "schedule": crontab(hour=int(os.environ.get("SHIGAN_NOTIFY_DIGEST_HOUR", "8")), minute=0),
    },
    "shigan-notify-release": {
        "task": "shigan.notify_release",
        "schedule": crontab(minute="*/10"),
    },
    # Jobs whose worker died: run again once, or failed with the reason (core.jobs.job_sweep).
    "shigan-jobs-sweep": {
        "task": "shigan.jobs_sweep",
        "schedule": timedelta(seconds=60),
    },
    # The daily signed checkpoint of the audit chain (`shigan audit checkpoint` by hand).
    "shigan-audit-checkpoint-daily": {
        "task": "shigan.audit_checkpoint_daily",
        "schedule": crontab(hour=0, minute=5),
    },
}
# A running job beats every SHIGAN_JOB_HEARTBEAT_SECONDS; one silent for SHIGAN_JOB_STALE_SECONDS
# lost its worker. With the sweep every minute, a dead job is settled within 4 minutes.
SHIGAN_JOB_HEARTBEAT_SECONDS = float(os.environ.get("SHIGAN_JOB_HEARTBEAT_SECONDS", "30"))
SHIGAN_JOB_STALE_SECONDS = float(os.environ.get("SHIGAN_JOB_STALE_SECONDS", "180"))
# Exports of more rows than this run as jobs; smaller ones download at once.
SHIGAN_EXPORT_JOB_THRESHOLD = int(os.environ.get("SHIGAN_EXPORT_JOB_THRESHOLD", "5000"))
# A search page ranks and counts at most this many hits; beyond it, ledger order and "more than",
# its first pages from a walk of at most SHIGAN_SEARCH_WINDOW rows (core/search.py, README).
SHIGAN_SEARCH_CAP = int(os.environ.get("SHIGAN_SEARCH_CAP", "2000"))
SHIGAN_SEARCH_WINDOW = int(os.environ.get("SHIGAN_SEARCH_WINDOW", "12000"))
SHIGAN_API_DOCS_PUBLIC = env_bool("SHIGAN_API_DOCS_PUBLIC", False)
SHIGAN_IMPORT_MAX_BYTES = int(os.environ.get("SHIGAN_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

# Problems (issue 5): evidence files live under SHIGAN_HOME/private (never served directly).
SHIGAN_HOME = HOME
SHIGAN_EVIDENCE_MAX_BYTES = int(os.environ.get("SHIGAN_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# All the files of one upload (issue 16); the proxy's client_max_body_size a little above it.
SHIGAN_EVIDENCE_MAX_REQUEST_BYTES = int(
    os.environ.get("SHIGAN_EVIDENCE_MAX_REQUEST_BYTES", str(50 * 1024 * 1024))
)
# The traffic light turns yellow this many working days before a deadline when progress lags.
SHIGAN_WARN_WORKDAYS = int(os.environ.get("SHIGAN_WARN_WORKDAYS", "5"))
# Notifications also go by email when an SMTP host is configured (none by default).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shigan@localhost")

# Channels (issue 18, README "消息渠道"): the first configured one a person has an address for,
# in SHIGAN_NOTIFY_CHANNELS order; addresses encrypted with SHIGAN_PETITION_KEY (core/crypto.py).
# Requests go only to the vendors' https hosts and SHIGAN_NOTIFY_ALLOWED_ORIGINS (outbound.py).
SHIGAN_NOTIFY_CHANNELS = [
    c.strip() for c in os.environ.get("SHIGAN_NOTIFY_CHANNELS", "").split(",") if c.strip()
]
SHIGAN_WECOM_API_BASE = os.environ.get("SHIGAN_WECOM_API_BASE", "https://qyapi.weixin.qq.com")
SHIGAN_WECOM_CORP_ID = os.environ.get("SHIGAN_WECOM_CORP_ID", "")
SHIGAN_WECOM_AGENT_ID = os.environ.get("SHIGAN_WECOM_AGENT_ID", "")
SHIGAN_WECOM_SECRET = os.environ.get("SHIGAN_WECOM_SECRET", "")
SHIGAN_WECOM_ROBOT_WEBHOOK = os.environ.get("SHIGAN_WECOM_ROBOT_WEBHOOK", "")
SHIGAN_DINGTALK_API_BASE = os.environ.get("SHIGAN_DINGTALK_API_BASE", "https://oapi.dingtalk.com")
SHIGAN_DINGTALK_APP_KEY = os.environ.get("SHIGAN_DINGTALK_APP_KEY", "")
SHIGAN_DINGTALK_APP_SECRET = os.environ.get("SHIGAN_DINGTALK_APP_SECRET", "")
SHIGAN_DINGTALK_AGENT_ID = os.environ.get("SHIGAN_DINGTALK_AGENT_ID", "")
SHIGAN_DINGTALK_ROBOT_WEBHOOK = os.environ.get("SHIGAN_DINGTALK_ROBOT_WEBHOOK", "")
SHIGAN_DINGTALK_ROBOT_SECRET = os.environ.get("SHIGAN_DINGTALK_ROBOT_SECRET", "")
SHIGAN_SMS_GATEWAY = os.environ.get(
    "SHIGAN_SMS_GATEWAY", "shigan.notifications.sms.GenericJsonGateway"
)
SHIGAN_SMS_URL = os.environ.get("SHIGAN_SMS_URL", "")
SHIGAN_SMS_TOKEN = os.environ.get("SHIGAN_SMS_TOKEN", "")
SHIGAN_SMS_TEMPLATE_ID = os.environ.get("SHIGAN_SMS_TEMPLATE_ID", "")
SHIGAN_SMS_SIGN_NAME = os.environ.get("SHIGAN_SMS_SIGN_NAME", "")
SHIGAN_NOTIFY_ALLOWED_ORIGINS = os.environ.get("SHIGAN_NOTIFY_ALLOWED_ORIGINS", "")
# Links in outgoing messages are made absolute with this address (e.g. https://shigan.example).
SHIGAN_BASE_URL = os.environ.get("SHIGAN_BASE_URL", "")
# What goes where: JSON {"<kind>": {"<role>": "immediate" | "digest" | "off"}} merged over the
# defaults in notifications/rules.py; the daily digest's hour; quiet hours ("22:00-07:00").
SHIGAN_NOTIFY_RULES = os.environ.get("SHIGAN_NOTIFY_RULES", "")
SHIGAN_NOTIFY_DIGEST_HOUR = int(os.environ.get("SHIGAN_NOTIFY_DIGEST_HOUR", "8"))
SHIGAN_NOTIFY_QUIET_HOURS = os.environ.get("SHIGAN_NOTIFY_QUIET_HOURS", "")
# Leaders this many levels above a problem's unit get its red light in their digest.
SHIGAN_NOTIFY_ESCALATE_LEVELS = int(os.environ.get("SHIGAN_NOTIFY_ESCALATE_LEVELS", "2"))
SHIGAN_NOTIFY_TIMEOUT = float(os.environ.get("SHIGAN_NOTIFY_TIMEOUT", "10"))
SHIGAN_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("SHIGAN_NOTIFY_MAX_ATTEMPTS", "5"))
SHIGAN_NOTIFY_RETRY_SECONDS = int(os.environ.get("SHIGAN_NOTIFY_RETRY_SECONDS", "60"))


def _embedded_key(name: str, make) -> str:
    """A key generated once into the data directory, like the embedded SECRET_KEY. Written
    beside the file and linked into place, so two processes starting together agree on it."""
    HOME.mkdir(parents=True, exist_ok=True)
    key_file = HOME / name
    if not key_file.exists():
        draft = HOME / f".{name}.{os.getpid()}"
        draft.write_text(make())
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    _private_file(key_file)
    return key_file.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# Petitions (issue 8): petitioners' personal data is encrypted with these Fernet keys (comma-
# separated; the first encrypts, all decrypt, for rotation). Production sets them in the
# environment; the embedded default keeps generated ones in SHIGAN_HOME — back them up with the
# database: without the key the personal data cannot be read. The hash key finds the same
# petitioner again (duplicate warning) and is kept apart so that key rotation leaves it valid.
# In production the keys come from the environment only: two web nodes generating their own
# would encrypt with different keys (`shigan serve` refuses to start without them).
SHIGAN_PETITION_KEY = os.environ.get("SHIGAN_PETITION_KEY") or (
    None if PRODUCTION else _embedded_key("petition_key", _fernet_key)
)
SHIGAN_PETITION_HASH_KEY = os.environ.get("SHIGAN_PETITION_HASH_KEY") or (
    None if PRODUCTION else _embedded_key("petition_hash_key", lambda: secrets.token_urlsafe(50))
)

# Audit (issue 16): the chain is an HMAC-SHA256 chain keyed with this key, which lives outside
# the database (whoever can write the database cannot recompute the chain without it). The
# embedded default generates it into SHIGAN_HOME; production must set it (`shigan serve`
# refuses to start without it). Every SHIGAN_AUDIT_CHECKPOINT_EVERY entries a signed checkpoint
# (sequence, head, time) is appended to SHIGAN_AUDIT_CHECKPOINTS, outside the database, so that
# `shigan audit verify` also finds a tail cut off with the head reset.
SHIGAN_AUDIT_KEY = os.environ.get("SHIGAN_AUDIT_KEY") or (
    None if PRODUCTION else _embedded_key("audit_key", lambda: secrets.token_urlsafe(50))
)
SHIGAN_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SHIGAN_AUDIT_CHECKPOINT_EVERY", "20"))
SHIGAN_AUDIT_CHECKPOINTS = Path(
    os.environ.get("SHIGAN_AUDIT_CHECKPOINTS", str(HOME / "audit" / "checkpoints.log"))
)
# The trail is up to SHIGAN_AUDIT_SHARDS chains, each gap-free and checkpointed on its own; a
# writer appends to a chain no other open transaction holds, so no write waits on another's
# commit (issue 15). Checkpoints also go to syslog (facility LOCAL0, tag shigan-audit) when
# SHIGAN_AUDIT_SYSLOG names it (/dev/log, or host:port over UDP): a copy the database's owner
# cannot reach either.
SHIGAN_AUDIT_SHARDS = int(os.environ.get("SHIGAN_AUDIT_SHARDS", "32"))
SHIGAN_AUDIT_SYSLOG = os.environ.get("SHIGAN_AUDIT_SYSLOG", "")

# Workbooks are read in a cage (issue 16, core/spreadsheets/cage.py): refused before reading
# when the first sheet spans more cells or rows than this, or the zip looks like a bomb; read in
# a child process allowed this much memory on top of the worker's, and this much CPU and time.
SHIGAN_SHEET_MAX_CELLS = int(os.environ.get("SHIGAN_SHEET_MAX_CELLS", "5000000"))
SHIGAN_SHEET_MAX_ROWS = int(os.environ.get("SHIGAN_SHEET_MAX_ROWS", "1000000"))
SHIGAN_SHEET_MAX_RATIO = int(os.environ.get("SHIGAN_SHEET_MAX_RATIO", "100"))
SHIGAN_SHEET_MAX_MEMORY_BYTES = int(os.environ.get("SHIGAN_SHEET_MAX_MEMORY_BYTES", str(2**30)))
SHIGAN_SHEET_MAX_CPU_SECONDS = int(os.environ.get("SHIGAN_SHEET_MAX_CPU_SECONDS", "60"))
SHIGAN_SHEET_TIMEOUT_SECONDS = int(os.environ.get("SHIGAN_SHEET_TIMEOUT_SECONDS", "120"))


# ---------------------------------------------------------------------------------------------
# Login with existing accounts (issue 18): LDAP/AD, OIDC, CAS. Each is on when its URL is set;
# README "Login with existing accounts" describes every variable. Local passwords keep working
# (ModelBackend stays first) for the break-glass administrators.
# ---------------------------------------------------------------------------------------------
# Group → role mapping, JSON inline or a file path (accounts/external/mapping.py); none: no
# external login ever grants a role.
SHIGAN_LOGIN_ROLE_MAP = os.environ.get("SHIGAN_LOGIN_ROLE_MAP", "")
# A first external login whose user name matches no shigan account creates one without roles.
SHIGAN_LOGIN_CREATE_USERS = env_bool("SHIGAN_LOGIN_CREATE_USERS", True)

SHIGAN_LDAP_URL = os.environ.get("SHIGAN_LDAP_URL", "")
SHIGAN_LDAP_START_TLS = env_bool("SHIGAN_LDAP_START_TLS", False)
SHIGAN_LDAP_TIMEOUT = int(os.environ.get("SHIGAN_LDAP_TIMEOUT", "10"))
SHIGAN_LDAP_BIND_DN = os.environ.get("SHIGAN_LDAP_BIND_DN", "")
SHIGAN_LDAP_BIND_PASSWORD = os.environ.get("SHIGAN_LDAP_BIND_PASSWORD", "")
SHIGAN_LDAP_USER_BASE = os.environ.get("SHIGAN_LDAP_USER_BASE", "")
SHIGAN_LDAP_USER_FILTER = os.environ.get("SHIGAN_LDAP_USER_FILTER", "(uid={username})")
SHIGAN_LDAP_USERNAME_ATTR = os.environ.get("SHIGAN_LDAP_USERNAME_ATTR", "uid")
SHIGAN_LDAP_NAME_ATTR = os.environ.get("SHIGAN_LDAP_NAME_ATTR", "cn")
SHIGAN_LDAP_GROUP_BASE = os.environ.get("SHIGAN_LDAP_GROUP_BASE", "")
SHIGAN_LDAP_GROUP_FILTER = os.environ.get(
    "SHIGAN_LDAP_GROUP_FILTER", "(|(member={dn})(uniqueMember={dn}))"
)
SHIGAN_LDAP_DISABLED_FILTER = os.environ.get("SHIGAN_LDAP_DISABLED_FILTER", "")
# Always listed: the backend does nothing while SHIGAN_LDAP_URL is empty.
AUTHENTICATION_BACKENDS.append("shigan.accounts.external.ldap.LdapBackend")

# OIDC, authorization code with PKCE (mozilla-django-oidc): on when the authorization endpoint
# is set. The provider's endpoints are given one by one (its discovery document lists them).
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("SHIGAN_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("SHIGAN_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("SHIGAN_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("SHIGAN_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("SHIGAN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("SHIGAN_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("SHIGAN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("SHIGAN_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_VERIFY_SSL = env_bool("SHIGAN_OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = int(os.environ.get("SHIGAN_OIDC_TIMEOUT", "10"))
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
SHIGAN_OIDC_USERNAME_CLAIM = os.environ.get("SHIGAN_OIDC_USERNAME_CLAIM", "preferred_username")
SHIGAN_OIDC_GROUPS_CLAIM = os.environ.get("SHIGAN_OIDC_GROUPS_CLAIM", "groups")
SHIGAN_OIDC_LABEL = os.environ.get("SHIGAN_OIDC_LABEL", "")
AUTHENTICATION_BACKENDS.append("shigan.accounts.external.oidc.OidcBackend")

# CAS 2.0/3.0 (django-cas-ng): on when the server URL is set ("https://sso.example.gov.cn/cas/").
INSTALLED_APPS.append("django_cas_ng")
CAS_SERVER_URL = os.environ.get("SHIGAN_CAS_SERVER_URL", "")
CAS_VERSION = os.environ.get("SHIGAN_CAS_VERSION", "3")
CAS_VERIFY_SSL_CERTIFICATE = env_bool("SHIGAN_CAS_VERIFY_SSL", True)
CAS_REDIRECT_URL = "/"
CAS_IGNORE_REFERER = True  # after login go to `next` (checked) or "/", never to the Referer
CAS_LOGIN_MSG = CAS_LOGGED_MSG = None
CAS_LOGIN_URL_NAME = "cas_login"
SHIGAN_CAS_USERNAME_ATTRIBUTE = os.environ.get("SHIGAN_CAS_USERNAME_ATTRIBUTE", "")
SHIGAN_CAS_NAME_ATTRIBUTE = os.environ.get("SHIGAN_CAS_NAME_ATTRIBUTE", "cn")
SHIGAN_CAS_GROUPS_ATTRIBUTE = os.environ.get("SHIGAN_CAS_GROUPS_ATTRIBUTE", "groups")
SHIGAN_CAS_LABEL = os.environ.get("SHIGAN_CAS_LABEL", "")
AUTHENTICATION_BACKENDS.append("shigan.accounts.external.cas.CasBackend")
