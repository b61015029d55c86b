"""packaging/portal/: the example settings name everything production reads, the systemd units
pass systemd's own checks, and the docs lead to the deploy steps."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.deployed import UNITS
from tests.deploy.doc_steps import DOC, PACKAGING, REPO, blocks, doc_vars, unit_setting

# Read only by the development profile and the private development cluster, never production.
DEVELOPMENT_ONLY = {"PORTAL_CLOCK_AT", "PORTAL_MAIL_FOLDER", "PORTAL_PG_BIN", "PORTAL_PG_DIR"}
# Read by boto3 when documents go to a bucket, not by the portal's code.
BUCKET_CREDENTIALS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def read_by_the_portal() -> set[str]:
    """Every environment variable name the portal's code spells out."""
    names: set[str] = set()
    for source in (REPO / "portal").rglob("*.py"):
        if "migrations" not in source.parts:
            names |= set(re.findall(r"[\"'](PORTAL_[A-Z0-9_]+)[\"']", source.read_text()))
    return names


def test_the_example_settings_name_every_setting_production_reads() -> None:
    example = (PACKAGING / "portal.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.M))
    wanted = (read_by_the_portal() - DEVELOPMENT_ONLY) | BUCKET_CREDENTIALS
    assert wanted - listed == set(), "add these to packaging/portal/portal.env.example"
    assert listed - wanted == set(), "the portal no longer reads these"
    # The two the portal refuses to start without are set, not commented out.
    assert re.search(r"^PORTAL_SECRET_KEY=", example, re.M)
    assert re.search(r"^PORTAL_DATABASE_URL=", example, re.M)


def test_the_units_pass_systemd_analyze_verify_and_security(tmp_path: Path) -> None:
    home = doc_vars()["PORTAL_HOME"]
    program = tmp_path / "bin" / "warranty-desk-portal"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    for unit in UNITS:
        # verify insists that ExecStart's program exists: the same unit, pointing at a stand-in.
        text = (PACKAGING / unit).read_text()
        assert f"ExecStart={home}/bin/warranty-desk-portal " in text
        (tmp_path / unit).write_text(text.replace(home, str(tmp_path)))
    files = [str(tmp_path / unit) for unit in UNITS]
    verified = subprocess.run(["systemd-analyze", "verify", *files], capture_output=True,
                              text=True, check=False)
    # verify exits 0 on unknown keys and bad values, only saying so: any word is a failure.
    assert (verified.returncode, verified.stdout + verified.stderr) == (0, "")
    for unit in files:
        # Exposure 2.0 of 10 at most (both are 1.5: what is left is the network they serve on).
        secured = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                                  "--threshold=20", unit], capture_output=True, text=True,
                                 check=False)
        assert secured.returncode == 0, secured.stdout[-1500:]


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_runs_as_the_portals_user_with_its_settings_and_state(unit: str) -> None:
    names = doc_vars()
    assert unit_setting(unit, "User") == names["PORTAL_USER"]
    assert unit_setting(unit, "Group") == names["PORTAL_USER"]
    assert unit_setting(unit, "EnvironmentFile") == names["PORTAL_ENV"]
    assert "/var/lib/" + unit_setting(unit, "StateDirectory") == names["PORTAL_STATE"]
    assert unit_setting(unit, "NoNewPrivileges") == "yes"
    assert unit_setting(unit, "ProtectSystem") == "strict"
    assert unit_setting(unit, "Restart") == "on-failure"


def test_the_readme_and_deploy_md_lead_to_the_steps() -> None:
    for page in (REPO / "README.md", REPO / "docs" / "deploy.md"):
        assert "deploy-steps.md" in page.read_text(), page
    assert DOC.exists()


def test_every_block_of_the_doc_and_the_backup_script_is_valid_bash() -> None:
    # The blocks the deploy test stands in for are never run here: bash parses them at least.
    for step, body in blocks().items():
        parsed = subprocess.run(["bash", "-n"], input=body, capture_output=True, text=True,
                                check=False)
        assert parsed.returncode == 0, f"step={step}: {parsed.stderr}"
    script = PACKAGING / "warranty-desk-portal-base-backup"
    parsed = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True,
                            check=False)
    assert parsed.returncode == 0 and script.stat().st_mode & 0o111, parsed.stderr
