"""Django's management commands for the portal: python -m portal.manage check --deploy."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    """Run one management command (production settings unless DJANGO_SETTINGS_MODULE says)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
