"""The ``unknot`` console script: Django's management commands under the project's name.

``unknot demo`` builds the demo practice, ``unknot assess FILE`` prints an assessment, and every
other Django command (migrate, runserver, createsuperuser, db_worker …) works as with manage.py.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unknot.config.settings.dev")
    from django.core.management import execute_from_command_line

    from unknot.config.env import VAR_DIR

    for folder in (VAR_DIR, VAR_DIR / "static", VAR_DIR / "mail"):
        folder.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["unknot", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
