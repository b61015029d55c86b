"""Head office behind its own certificate authority, over real TLS (a proxy in front of the real
portal terminates it): the till says the certificate is not trusted (not "offline"), parks
nothing, and sends everything once `config set sync.ca_bundle` names the authority's bundle.
Verification is never switched off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from tests.e2e.cli import run
from tests.e2e.test_cli_sync import (  # noqa: F401  (fixtures)
    demo_template,
    file_secrets,
    home,
    outbox_count,
    set_secret,
)
from tests.liveportal.branch_view import BranchPortal
from tests.sync.tls_portal import Certificates, make_certificates, serve_tls

pytestmark = pytest.mark.slow


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path / "certs")


@pytest.fixture
def tls_portal(portal: BranchPortal, certificates: Certificates) -> BranchPortal:
    """The real portal behind TLS with a certificate of head office's own authority."""
    return serve_tls(portal, certificates)


def parked_count(folder: Path) -> int:
    with sqlite_file(folder / "warranty-desk.sqlite3") as conn:
        count: int = conn.execute("SELECT count(*) FROM sync_parked").fetchone()[0]
    return count


def test_an_untrusted_certificate_is_named_and_a_private_ca_bundle_makes_it_work(
    home: Path, tls_portal: BranchPortal, certificates: Certificates  # noqa: F811
) -> None:
    assert run(home, "config", "set", "sync.portal_url", tls_portal.url).returncode == 0
    assert set_secret(home, "portal-token", tls_portal.token).returncode == 0
    waiting = outbox_count(home)

    refused = run(home, "sync")
    assert refused.returncode == 1, refused.stderr
    line = refused.stdout.strip()
    assert "certificate of the portal at 127.0.0.1:" in line and "is not trusted" in line, line
    assert "sync.ca_bundle" in line and "Settings > Sync" in line
    # An untrusted certificate is an answer of sorts, never "the portal did not answer".
    assert not line.startswith("Offline") and "did not answer" not in line
    assert f"{waiting:,} records wait" in line
    assert tls_portal.event_ids() == [] and parked_count(home) == 0

    not_pem = home / "notes.txt"
    not_pem.write_text("not a certificate", "utf-8")
    for bundle, words in ((home / "missing.pem", "cannot be read"),
                          (not_pem, "holds no certificate")):
        bad = run(home, "config", "set", "sync.ca_bundle", str(bundle))
        assert bad.returncode == 2 and words in bad.stderr, bad.stderr
        assert "Nothing was saved" in bad.stderr

    saved = run(home, "config", "set", "sync.ca_bundle", str(certificates.ca))
    assert saved.returncode == 0, saved.stderr
    assert f'ca_bundle = "{certificates.ca}"' in run(home, "config", "show").stdout
    done = run(home, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"Sent {waiting:,} records")
    assert len(tls_portal.event_ids()) == waiting and parked_count(home) == 0


def test_a_certificate_for_another_name_says_so(
    home: Path, tmp_path: Path, portal: BranchPortal  # noqa: F811
) -> None:
    elsewhere = make_certificates(tmp_path / "other", hosts=("portal.elsewhere.example",))
    server = serve_tls(portal, elsewhere)
    assert run(home, "config", "set", "sync.portal_url", server.url).returncode == 0
    assert run(home, "config", "set", "sync.ca_bundle", str(elsewhere.ca)).returncode == 0
    assert set_secret(home, "portal-token", portal.token).returncode == 0
    done = run(home, "sync", "--push")
    assert done.returncode == 1
    assert "is for another server name" in done.stdout, done.stdout
    assert "not trusted" not in done.stdout and not done.stdout.startswith("Offline")
    assert server.event_ids() == [] and parked_count(home) == 0
