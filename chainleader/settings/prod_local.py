"""`make prod-local`: the production layout on one machine (nginx over HTTPS with a self-signed certificate,
two gunicorn instances, two task workers, PostgreSQL and Redis from Debian packages) serving the demo's
synthetic data. Production settings, with what the demo needs on top: the demo app (its loaders), the demo
banner and password-only logins for the printed demo accounts. Never used in production: the deploy check
fails here (demo accounts, no OTP), as SECURITY.md A4 requires; deploy/prod-local.sh sets the environment."""

from .production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "chainleader.demo"]  # noqa: F405
CHAINLEADER_DEMO = True
CHAINLEADER_OTP_REQUIRED = False
