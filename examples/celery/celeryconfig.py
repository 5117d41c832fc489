"""Celery settings of the example app (`app.config_from_object` in tasks.py).

The broker and the result backend come from the environment; both default to a Redis on this
machine. The rest are the settings a sending worker wants; README.md beside this file explains why.
"""

from __future__ import annotations

import os

broker_url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
result_backend = os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1")
broker_connection_retry_on_startup = True

# JSON only: task arguments and results are plain strings and numbers.
task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]

# A worker process reserves one task at a time, so a slow send never holds tasks another process
# could run. The send task itself chooses `acks_late=True` (see README.md: the duplicate-send trade-off).
worker_prefetch_multiplier = 1
