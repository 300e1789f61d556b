"""Django settings for fupin, read from the environment.

Every knob an operator may turn is an environment variable named FUPIN_* (or DATABASE_URL);
the defaults give a working single-machine system with SQLite under ``var/``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_home() -> Path:
    if home := os.environ.get("FUPIN_HOME"):
        return Path(home).resolve()
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "pyproject.toml").exists():
        return checkout
    return Path.cwd()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


HOME_DIR = _project_home()
VAR_DIR = Path(os.environ.get("FUPIN_VAR_DIR", HOME_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("FUPIN_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("FUPIN_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("FUPIN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("FUPIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "fupin.core",
    "fupin.divisions",
    "fupin.accounts",
    "fupin.registry",
    "fupin.targeting",
    "fupin.workflows",
    "fupin.funds",
    "fupin.assistance",
    "fupin.programmes",
    "fupin.welfare",
    "fupin.insights",
    "fupin.assessment",
    "fupin.api",
    "fupin.exchange",
    "fupin.demo",
    "fupin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fupin.core.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fupin.core.middleware.RequestContextMiddleware",
    "fupin.core.security.SecurityHeadersMiddleware",
    "fupin.core.middleware.ParameterMiddleware",
    "fupin.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fupin.web.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}",
        conn_max_age=int(os.environ.get("FUPIN_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while a job writes; IMMEDIATE avoids "database is locked"
        # when two writers upgrade read transactions at once.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
            "PRAGMA cache_size=-65536; PRAGMA case_sensitive_like=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The figures' aggregate queries are costed high enough for PostgreSQL's JIT, whose compilation
    # (0.2-0.7 s a query at 150,000 households) costs more than it saves on queries of this size:
    # measured, the targets page went from 4.3 s to 3.4 s without it. FUPIN_PG_JIT=on restores it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit={'on' if os.environ.get('FUPIN_PG_JIT') == 'on' else 'off'}")

# The role that owns the tables and runs `fupin migrate` (and `fupin db roles --apply`), when the
# application itself runs as a role with data rights only (README, "Database roles"): the same
# database as DATABASE_URL, the owner's credentials. Empty: migrations run as DATABASE_URL's role.
FUPIN_MIGRATE_DATABASE_URL = os.environ.get("FUPIN_MIGRATE_DATABASE_URL", "")
FUPIN_MIGRATE_DATABASE = None
if FUPIN_MIGRATE_DATABASE_URL:
    _owner = dj_database_url.parse(FUPIN_MIGRATE_DATABASE_URL)
    if (_owner["ENGINE"], _owner["NAME"]) != (DATABASES["default"]["ENGINE"], DATABASES["default"]["NAME"]):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("FUPIN_MIGRATE_DATABASE_URL must name the same database as DATABASE_URL")
    FUPIN_MIGRATE_DATABASE = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The kept per-county figures (fupin.core.kept) live in the cache: each process's memory by
# default, room for a province's counties (Django's default of 300 entries would drop them as fast
# as they are made). A deployment with several processes names a shared cache here instead.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 50_000}}}

# --- accounts and login security -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["fupin.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("FUPIN_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fupin.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

FUPIN_LOGIN_MAX_FAILURES = int(os.environ.get("FUPIN_LOGIN_MAX_FAILURES", "5"))
FUPIN_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("FUPIN_LOGIN_LOCKOUT_MINUTES", "15"))
# Failed logins from one address (any accounts) before that address is refused for the window.
FUPIN_LOGIN_IP_MAX_FAILURES = int(os.environ.get("FUPIN_LOGIN_IP_MAX_FAILURES", "20"))
FUPIN_LOGIN_IP_WINDOW_MINUTES = int(os.environ.get("FUPIN_LOGIN_IP_WINDOW_MINUTES", "15"))

# Idle timeout: the session ends after this many minutes without a request.
SESSION_COOKIE_AGE = int(os.environ.get("FUPIN_SESSION_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("FUPIN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS deployment (see README "Running behind HTTPS"): the proxy terminates TLS and sets
# X-Forwarded-Proto; HSTS is sent once FUPIN_HSTS_SECONDS is set (start small, then a year).
if _flag("FUPIN_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _flag("FUPIN_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("FUPIN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("FUPIN_HSTS_SUBDOMAINS")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
FUPIN_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("FUPIN_TRUSTED_PROXIES", "").split(",") if p.strip()]
SECURE_REFERRER_POLICY = "same-origin"

# --- language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("FUPIN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
FORMAT_MODULE_PATH = ["fupin.formats"]
USE_TZ = True

# --- static files (all vendored; nothing is loaded from outside the intranet) ----------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Background work: the task queue lives in the database; `fupin serve` starts a worker beside the
# web server (or run `fupin worker` yourself). FUPIN_TASKS_IMMEDIATE=1 runs tasks in-process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if _flag("FUPIN_TASKS_IMMEDIATE") else "django_tasks_db.DatabaseBackend",
    }
}

# --- REST API (fupin.api) ----------------------------------------------------------------------
# Session (browser, with CSRF) and token authentication; the area scope and capabilities are the
# same as the pages' (fupin.api.permissions). Lists are paged, at most FUPIN_API_MAX_PAGE_SIZE rows.
FUPIN_API_MAX_PAGE_SIZE = int(os.environ.get("FUPIN_API_MAX_PAGE_SIZE", "200"))
# An API token expires this many days after it is made (a password change ends it at once).
FUPIN_API_TOKEN_DAYS = int(os.environ.get("FUPIN_API_TOKEN_DAYS", "90"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fupin.api.authentication.TokenAuthentication",
        "fupin.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fupin.api.permissions.CapabilityPermission"],
    "DEFAULT_PAGINATION_CLASS": "fupin.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "fupin.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "扶贫信息系统接口",
    "DESCRIPTION": (
        "精准扶贫与防止返贫动态监测信息系统的 REST 接口。与页面相同的区域范围和角色权限；"
        "写操作调用业务动作并记入审计日志。认证：浏览器会话（写请求须带 CSRF 令牌）或 "
        "`Authorization: Token <令牌>`（在“接口令牌”页面创建）。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProcedureKindEnum": "fupin.workflows.procedures.Kind",
        "PlanLevelEnum": "fupin.assistance.models.PlanLevel",
        "RecordStatusEnum": "fupin.registry.codes.RecordStatus",
        "FundRecordStatusEnum": "fupin.funds.models.RecordStatus",
        "CaseStatusEnum": "fupin.workflows.models.CaseStatus",
        "JobStatusEnum": "fupin.core.models.Job.Status",
        "DepartmentEnum": "fupin.accounts.roles.Department",
        "MonitoringTypeEnum": "fupin.registry.codes.MonitoringType",
        "PovertyCauseEnum": "fupin.registry.codes.PovertyCause",
        "RemovalReasonEnum": "fupin.registry.codes.RemovalReason",
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOG_DIR = VAR_DIR / "logs"
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"stamped": {"format": "%(asctime)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # failed and throttled logins, lockouts, refused access: kept for the security officer
        "security": {"class": "logging.handlers.RotatingFileHandler", "filename": str(LOG_DIR / "security.log"),
                     "maxBytes": 10 << 20, "backupCount": 10, "encoding": "utf-8", "formatter": "stamped"},
    },
    "loggers": {"fupin.security": {"handlers": ["security", "console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("FUPIN_LOG_LEVEL", "WARNING")},
}

# --- domain settings -------------------------------------------------------------------------
# Page size for household and member lists.
FUPIN_PAGE_SIZE = int(os.environ.get("FUPIN_PAGE_SIZE", "25"))
# Identification runs on PostgreSQL compute townships in parallel on this many connections.
FUPIN_RUN_WORKERS = int(os.environ.get("FUPIN_RUN_WORKERS", str(os.cpu_count() or 2)))
# Risk clues must be handled (dismissed or turned into a monitoring case) within this many days.
FUPIN_CLUE_DAYS = int(os.environ.get("FUPIN_CLUE_DAYS", "5"))
# Reports meant for outside the government show counts below this as "<N" (never less than 3).
FUPIN_SUPPRESS_BELOW = int(os.environ.get("FUPIN_SUPPRESS_BELOW", "5"))
# The Chinese TrueType font embedded in notice PDFs (.ttf, or a .ttc with the index of the face).
FUPIN_PDF_FONT = os.environ.get("FUPIN_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FUPIN_PDF_FONT_INDEX = int(os.environ.get("FUPIN_PDF_FONT_INDEX", "0"))
# A helped household not visited for this many days shows as overdue on the helper's worklist.
FUPIN_VISIT_OVERDUE_DAYS = int(os.environ.get("FUPIN_VISIT_OVERDUE_DAYS", "30"))
# Attachments (photos, signed forms) up to this size, stored under var/media.
FUPIN_MAX_UPLOAD_MB = int(os.environ.get("FUPIN_MAX_UPLOAD_MB", "10"))
# Household workbooks and department lists (a county's million members is about 270 MB of CSV).
FUPIN_MAX_IMPORT_MB = int(os.environ.get("FUPIN_MAX_IMPORT_MB", "300"))
# An xlsx (a zip) may unpack to at most this much, and to at most this many times its own size.
FUPIN_XLSX_MAX_EXPANDED_MB = int(os.environ.get("FUPIN_XLSX_MAX_EXPANDED_MB", "1024"))
FUPIN_XLSX_MAX_RATIO = int(os.environ.get("FUPIN_XLSX_MAX_RATIO", "60"))
# Photos and scanned documents: at most this many million pixels (read from the header).
FUPIN_MAX_IMAGE_MEGAPIXELS = int(os.environ.get("FUPIN_MAX_IMAGE_MEGAPIXELS", "40"))
# The web server refuses request bodies larger than this (uploads above; forms are small).
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files hold personal data: readable by the service account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploaded lists and workbooks (and the reports and national batches made from them) are deleted
# after this many days, unless the county sets its own period (数据交换 page); the records stay.
FUPIN_UPLOAD_RETENTION_DAYS = int(os.environ.get("FUPIN_UPLOAD_RETENTION_DAYS", "180"))
MEDIA_URL = "/media/"  # never served directly: documents go through a scoped view
# Lists count at most this many rows ("10,000+" beyond); narrow with filters to see the rest.
FUPIN_LIST_COUNT_CAP = int(os.environ.get("FUPIN_LIST_COUNT_CAP", "10000"))
# `fupin backup` / `fupin restore` on PostgreSQL: the directory of pg_dump and pg_restore (their major
# version must be at least the server's); empty: PATH, then /usr/lib/postgresql/*/bin, newest first.
FUPIN_PG_BIN_DIR = os.environ.get("FUPIN_PG_BIN_DIR", "")
# /healthz answers 503 when less than this many MB are free under var/ or the media files.
FUPIN_HEALTH_MIN_FREE_MB = int(os.environ.get("FUPIN_HEALTH_MIN_FREE_MB", "1024"))
# /healthz probes the task worker with a tiny task queued at most every FUPIN_HEALTH_PING_SECONDS; the
# worker is down when that task has waited longer than FUPIN_HEALTH_WORKER_WAIT_SECONDS, unless a task
# started less than FUPIN_HEALTH_TASK_MAX_SECONDS ago is still running (the worker is busy with it).
FUPIN_HEALTH_PING_SECONDS = int(os.environ.get("FUPIN_HEALTH_PING_SECONDS", "60"))
FUPIN_HEALTH_WORKER_WAIT_SECONDS = int(os.environ.get("FUPIN_HEALTH_WORKER_WAIT_SECONDS", "120"))
FUPIN_HEALTH_TASK_MAX_SECONDS = int(os.environ.get("FUPIN_HEALTH_TASK_MAX_SECONDS", "14400"))
