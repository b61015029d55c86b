"""Runs the headless commands: python -m warranty_desk."""

from warranty_desk.cli import main

raise SystemExit(main())
