"""What the portal tests share: the cluster and databases they run on, and the live portal."""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass

from tests.liveportal.served import (
    NOON,
    REPO,
    SETTINGS,
    TEMPLATE,
    LivePortal,
    PortalCluster,
    PortalDatabase,
    free_port,
    portal_command,
    portal_env,
    use_database,
    wait_for_port,
)

# The cluster, its databases and the served portal are shared with the tills' sync tests
# (tests/liveportal); these names stay importable from here for the portal tests.
__all__ = ["NOON", "REPO", "SETTINGS", "TEMPLATE", "LivePortal", "PortalCluster",
           "PortalDatabase", "RegisteredBranch", "free_port", "portal_command", "portal_env",
           "register", "run_worker", "use_database", "wait_for_port"]


@dataclass(frozen=True)
class RegisteredBranch:
    """A branch head office registered, with the token it was given."""

    code: str
    token: str
    pk: int


def register(code: str | None = None) -> RegisteredBranch:
    """Register a branch on a code no other test of the module uses."""
    from portal.branches.services import register_branch

    branch, token = register_branch(code or "T" + secrets.token_hex(2).upper())
    return RegisteredBranch(branch.code, token, branch.pk)


def run_worker(db: PortalDatabase) -> None:
    """`warranty-desk-portal worker --until-idle` on the module's database; no job may fail."""
    from django.db import connection

    done = subprocess.run(portal_command("worker", "--until-idle"), env=portal_env(db),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with connection.cursor() as cursor:  # a job that raised is kept as failed, not retried
        cursor.execute("SELECT task_name FROM procrastinate_jobs WHERE status = 'failed'")
        assert not cursor.fetchall(), done.stderr[-3000:]
