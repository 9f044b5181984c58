"""Settings shared by every environment. Environment files override; production reads secrets from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "chainleader"
# ../shared/data beside the project: read at run time by importers, never copied in.
SHARED_DATA_DIR = Path(
    os.environ.get("CHAINLEADER_SHARED_DATA", BASE_DIR.parent / "shared" / "data")
)

# The graph import page (system admin, office) reads folders under this directory only, never any server path
# (issue 13 item 7); the import_chain_graph command, run by the operator, takes any folder.
CHAINLEADER_GRAPH_IMPORT_ROOT = Path(
    os.environ.get("CHAINLEADER_GRAPH_IMPORT_ROOT", SHARED_DATA_DIR)
)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "chainleader.core",
    "chainleader.accounts",
    "chainleader.reference",
    "chainleader.parks",
    "chainleader.enterprises",
    "chainleader.chains",
    "chainleader.chainmap",
    "chainleader.evaluation",
    "chainleader.projects",
    "chainleader.worklists",
    "chainleader.investment",
    "chainleader.matching",
    "chainleader.commissioners",
    "chainleader.tiers",
    "chainleader.growth",
    "chainleader.policies",
    "chainleader.challenges",
    "chainleader.indicators",
    "chainleader.cockpit",
    "chainleader.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chainleader.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "chainleader.core.middleware.RequestIdMiddleware",
    "chainleader.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "chainleader.urls"
WSGI_APPLICATION = "chainleader.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chainleader.core.context_processors.site",
            ],
        },
    }
]

# SQLite by default (WAL, IMMEDIATE transactions: SECURITY.md RL4); PostgreSQL through DATABASE_URL.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": SQLITE_OPTIONS,
    }


DATABASES = {"default": database_from_env(BASE_DIR / "var" / "chainleader.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's own, with a message in Chinese (its catalogue lags its msgid: accounts.validators).
        "NAME": "chainleader.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# Upload temp files (SECURITY.md DP3): this instance's own directory, created and swept of what a killed
# process left at start (core.apps), never the machine's shared temp directory. Django's own temp files for
# request bodies over FILE_UPLOAD_MAX_MEMORY_SIZE go to a directory inside it.
CHAINLEADER_UPLOAD_DIR = Path(
    os.environ.get("CHAINLEADER_UPLOAD_DIR", BASE_DIR / "var" / "uploads")
)
FILE_UPLOAD_TEMP_DIR = str(CHAINLEADER_UPLOAD_DIR / "incoming")
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_PERMISSIONS = 0o600

# Request limits (SECURITY.md CF4, IN1).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

# Security headers (SECURITY.md CF3, S3).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "chainleader.core.drf.CappedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "chainleader.core.drf.PinyinOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chainleader.core.drf.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "chainleader API",
    "DESCRIPTION": "链长制产业链管理平台 REST API. Every list and object is limited to the caller's data scope.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema describes every endpoint: only signed-in users read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One enum for a segment's map status (derived and set by the team).
    "ENUM_NAME_OVERRIDES": {
        "MapStatusEnum": "chainleader.chains.models.MapStatus",
        "LeadStageEnum": "chainleader.investment.models.Lead.Stage",
        # The ledger and firm requests (企业诉求) share one problem model (decision 0020).
        "ProblemStatusEnum": "chainleader.projects.models.Problem.Status",
        "ProblemCategoryEnum": "chainleader.projects.models.Problem.Category",
        "ProblemSourceEnum": "chainleader.projects.models.Problem.Source",
        # The tier pipeline's tiers (the registry's titles and 升规) and the levels of a title (decision 0024).
        "PipelineTierEnum": "chainleader.tiers.models.Tier",
        "TitleLevelEnum": "chainleader.tiers.models.Level",
        # A chain meeting: 计划中 / 已召开 (decision 0028).
        "MeetingStatusEnum": "chainleader.worklists.models.ChainMeeting.Status",
        # Indicators and warnings (decision 0026).
        "IndicatorLevelEnum": "chainleader.indicators.models.Level",
        "ChainLevelEnum": "chainleader.chains.models.Chain.Level",
        "IndicatorSourceEnum": "chainleader.indicators.models.Source",
        "WarningLevelEnum": "chainleader.indicators.models.Warning.Level",
        "WarningStatusEnum": "chainleader.indicators.models.Warning.Status",
        "RelocationStatusEnum": "chainleader.indicators.models.RelocationFlag.Status",
        # Assessment runs (decision 0027), policies and their results (decision 0029).
        "AssessmentRunStatusEnum": "chainleader.cockpit.models.AssessmentRun.Status",
        "PolicyStatusEnum": "chainleader.policies.models.Policy.Status",
        "EligibilityStatusEnum": "chainleader.policies.models.EligibilityResult.Status",
        # Innovation (decision 0030).
        "ChallengeStatusEnum": "chainleader.challenges.models.Challenge.Status",
        "ChallengeApplicationStatusEnum": "chainleader.challenges.models.ChallengeApplication.Status",
        "AcceptanceVerdictEnum": "chainleader.challenges.models.Acceptance.Verdict",
        "SceneStatusEnum": "chainleader.challenges.models.Scene.Status",
        "SceneApplicationStatusEnum": "chainleader.challenges.models.SceneApplication.Status",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Background jobs run in `manage.py task_worker` (core: django-tasks' database worker, supervised: a busy
# SQLite database never ends it, a task meeting "database is locked" runs again, a heartbeat every 30 s).
# A running job without a sign of life for this many minutes lost its worker and is marked failed.
CHAINLEADER_JOB_STALE_MINUTES = 15
# A list export of more rows than this runs in a task worker (core.tasks.export_task), not in a web worker.
CHAINLEADER_EXPORT_ASYNC_ROWS = int(os.environ.get("CHAINLEADER_EXPORT_ASYNC_ROWS", "5000"))

# The data-scope policy that ScopedQuerySet.for_user() applies (core stays free of domain apps).
CHAINLEADER_SCOPE_POLICY = "chainleader.accounts.policy.scope_for"
# The deployment's own territory: "local" firms are those whose region code starts with this.
CHAINLEADER_HOME_REGION = os.environ.get("CHAINLEADER_HOME_REGION", "3702")
CHAINLEADER_DEMO = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_client_errors": {"()": "chainleader.core.logging.QuietClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["quiet_client_errors"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Roles that may create, edit, delete and import business records (always within their scope).
CHAINLEADER_EDITOR_ROLES = ("office", "chain_leader", "team_member", "district")
# The administrators' home pages (URL names): they see administration, not business counters.
CHAINLEADER_ADMIN_HOMES = {
    "system_admin": "chainmap:graph_import",
    "security_admin": "accounts:user_list",
    "audit_admin": "core:audit_log",
}
# Selector that feeds the home page (core stays free of domain apps).
CHAINLEADER_HOME_SELECTOR = "chainleader.chains.selectors.home_summary"
# Audit log retention (SECURITY.md AU4): at least 180 days online; older rows are archived, verified, then purged.
CHAINLEADER_AUDIT_RETENTION_DAYS = 365
CHAINLEADER_AUDIT_ARCHIVE_DIR = BASE_DIR / "var" / "audit-archive"
# The key that signs the audit log's seal, checkpoints and purge tokens (HMAC; core.audit): never stored in
# the database, so plain SQL cannot forge them. Empty: derived from SECRET_KEY (and its fallbacks). Keep it
# with the backups' keys: a database restored under another key fails audit_verify.
CHAINLEADER_AUDIT_KEY = os.environ.get("CHAINLEADER_AUDIT_KEY", "")
# The one role that reads the audit log (三权分立: the audit administrator).
CHAINLEADER_AUDIT_ROLE = "audit_admin"

# ---------------------------------------------------------------------------------------------------
# Login security, owned by accounts (SECURITY.md A1-A4, S1-S2, TP3; docs/decisions/0005-login-security.md).
# django-axes counts login failures, django-otp holds the TOTP devices and the hashed backup codes.
# ---------------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",  # after AuthenticationMiddleware: sets user.is_verified()
    "chainleader.accounts.middleware.SessionTimeoutMiddleware",  # S1: idle and absolute limits
    "chainleader.accounts.middleware.OTPRequiredMiddleware",  # A3: password-only sessions go to OTP
    "chainleader.accounts.middleware.PasswordChangeRequiredMiddleware",  # A1/A4: expired or initial
    "axes.middleware.AxesMiddleware",  # last, as axes asks: maps a lock to the page's own response
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account, after the same password hash an allowed attempt costs (A2, timing).
    "chainleader.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A1 password policy: Django's validators above, plus length cap, 3 of 4 classes, no reuse of the last 5.
AUTH_PASSWORD_VALIDATORS += [
    {
        "NAME": "chainleader.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {
        "NAME": "chainleader.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "chainleader.accounts.validators.PasswordHistoryValidator"},
]
CHAINLEADER_PASSWORD_HISTORY = 5
CHAINLEADER_PASSWORD_MAX_AGE_DAYS = 90
# A4: an account unused for this many days is disabled at its next login.
CHAINLEADER_ACCOUNT_INACTIVE_DAYS = 90

# A2 lock-out: 5 failures of one account within 15 min lock it for 30 min; one IP gets 50 per 15 min.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each with its own limit: accounts.lockout
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock lasts 30 min, then ends by itself
AXES_HANDLER = "chainleader.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "chainleader.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # LockoutHandler writes each failure itself, before counting
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log (AU1); no second store
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "token",
    "csrfmiddlewaretoken",
]
CHAINLEADER_LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
CHAINLEADER_LOGIN_IP_FAILURE_LIMIT = 50

# A3 two factors: TOTP for every role but "enterprise". Only demo and test settings may turn it off;
# `check --deploy` refuses False (accounts.E001).
CHAINLEADER_OTP_REQUIRED = True
OTP_TOTP_ISSUER = "chainleader"
CHAINLEADER_OTP_BACKUP_CODES = 10

# S1 session limits (the cookie itself lives SESSION_COOKIE_AGE = 12 h, set above).
CHAINLEADER_SESSION_IDLE_MINUTES = 30
CHAINLEADER_ADMIN_SESSION_IDLE_MINUTES = 15
CHAINLEADER_SESSION_ABSOLUTE_HOURS = 12

# ---------------------------------------------------------------------------------------------------
# Rate limits on confidential figures (SECURITY.md IN5; docs/decisions/0007-security-tests.md).
# chainleader.core.throttles.ConfidentialFiguresThrottle counts each user's reads of /api/year-figures/
# in the default cache: a file cache, so every gunicorn worker on the machine shares the counts (the
# per-process LocMemCache would let each worker allow its own 20). Tests may switch to LocMemCache.
# ---------------------------------------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "cache",
    }
}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"confidential": "20/hour"}
