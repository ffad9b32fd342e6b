"""Start-up of the processes that scan ledger chunks in parallel.

The scanner's processes are started from a fresh fork server, not forked from the caller:
the caller may be a process with threads (a web or task worker, a test process with a live
server and a browser driver), and a child forked from such a process can inherit a lock held
by another thread and hang forever. A fresh process needs Django set up, and the caller's
database settings exactly — under tests these name the test database, not the configured one.

This module imports nothing of the project, so that loading it in a new process does not
touch models before ``django.setup()``.
"""

from __future__ import annotations

import os
from typing import Any


def start(settings_module: str, databases: dict[str, dict[str, Any]]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings

    settings.DATABASES = databases  # before setup: an app's ready() may open a connection
    django.setup()
