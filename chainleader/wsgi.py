"""WSGI entry point; defaults to production settings."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainleader.settings.production")
application = get_wsgi_application()
# Everything loaded at start-up (Django, NumPy, SciPy, the URLconf) is moved out of the collector's reach: a full
# collection then walks only what requests allocate, instead of pausing ~150 ms on a large map payload. The
# standard step for pre-forked servers (gunicorn loads this module once per worker).
gc.freeze()
