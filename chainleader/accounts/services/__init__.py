"""Account services (账户服务): login bookkeeping, lock release, passwords, the second factor, sessions.

Each writes its audit row in the same transaction (STYLE §3.2). A refusal that must be remembered (a wrong
code, a stale account) commits its rows first and then raises ServiceError, so the refusal cannot roll its
own record back.

``sessions``        the session list and ending sessions (S2)
``login``           login and logout records, the stale-account check, deactivation, unlocking (A2, A4)
``passwords``       password history, change and reset (A1, A4)
``otp``             the second factor: TOTP and backup codes (A3)
``administration``  the security administrator's accounts and organisation units (TP1)
"""

from .administration import (
    CHAIN_ROLES,
    UNIT_ADMIN_FIELDS,
    USER_ADMIN_FIELDS,
    account_deactivate,
    account_password_reset,
    org_unit_create,
    org_unit_update,
    user_create,
    user_fingerprint,
    user_update,
)
from .login import (
    FAILURE,
    account_unlock,
    alerts,
    login_record_failure,
    login_record_success,
    login_refusal,
    logout_record,
    user_deactivate,
)
from .otp import (
    BACKUP_CODE_ALPHABET,
    BACKUP_CODE_LENGTH,
    backup_code_hash,
    otp_backup_codes_regenerate,
    otp_setup_confirm,
    otp_setup_device,
    otp_verify,
)
from .passwords import password_change, password_change_failed, password_set
from .sessions import sessions_end_others, user_sessions_end

__all__ = [
    "BACKUP_CODE_ALPHABET",
    "BACKUP_CODE_LENGTH",
    "CHAIN_ROLES",
    "FAILURE",
    "UNIT_ADMIN_FIELDS",
    "USER_ADMIN_FIELDS",
    "account_deactivate",
    "account_password_reset",
    "account_unlock",
    "alerts",
    "backup_code_hash",
    "login_record_failure",
    "login_record_success",
    "login_refusal",
    "logout_record",
    "org_unit_create",
    "org_unit_update",
    "otp_backup_codes_regenerate",
    "otp_setup_confirm",
    "otp_setup_device",
    "otp_verify",
    "password_change",
    "password_change_failed",
    "password_set",
    "sessions_end_others",
    "user_create",
    "user_deactivate",
    "user_fingerprint",
    "user_sessions_end",
    "user_update",
]
