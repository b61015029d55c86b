"""warranty-desk-portal as head office runs it: branches, staff, the worker, the deploy check."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import ModuleType

from django.db import connection
from django.test import override_settings

from portal.branches.services import branch_of_token
from portal.projections.models import Claim, ProjectionCursor, Warranty
from portal.staff.models import StaffMember
from tests.conftest import TODAY
from tests.portal.customers import Shops, claim_with, sale
from tests.portal.office import client
from tests.portal.support import (
    LivePortal,
    PortalDatabase,
    RegisteredBranch,
    claims_rolled,
    portal_command,
    portal_env,
    register,
    sales_counted,
)
from tests.portal.till import push_all, till
from tests.sync.engine_helpers import outbox


def _run(db: PortalDatabase, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(portal_command(*args), env=env or portal_env(db), capture_output=True,
                          text=True, timeout=120, check=False)


def test_branch_add_shows_a_working_token_once_and_refuses_the_same_code_again(
    portal_db: PortalDatabase,
) -> None:
    done = _run(portal_db, "branch", "add", "cl01", "--name", "Canal Street")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Branch CL01 is registered.")
    token = done.stdout.strip().splitlines()[-1]
    found = branch_of_token(token)
    assert found is not None and (found.code, found.name) == ("CL01", "Canal Street")
    again = _run(portal_db, "branch", "add", "CL01")
    assert again.returncode == 2 and "Branch CL01 is already registered" in again.stderr
    revoked = _run(portal_db, "branch", "revoke", "CL01")
    assert revoked.returncode == 0 and branch_of_token(token) is None


def test_staff_add_creates_a_person_in_a_role_and_refuses_a_role_that_is_none(
    portal_db: PortalDatabase,
) -> None:
    done = _run(portal_db, "staff", "add", "Ana@Example.org", "--role", "support")
    assert done.returncode == 0, done.stderr
    member = StaffMember.objects.get(user__email="ana@example.org")
    password = done.stdout.strip().splitlines()[-1]
    assert member.role == "support" and member.user.check_password(password)
    assert not member.user.is_staff  # only head-office admins reach the Django admin
    wrong = _run(portal_db, "staff", "add", "bo@example.org", "--role", "owner")
    assert wrong.returncode == 2 and "invalid choice: 'owner'" in wrong.stderr


def test_the_worker_projects_every_pushed_branch_and_leaves_no_job_behind(
    live_portal: LivePortal, portal_db: PortalDatabase, tmp_path: Path,
) -> None:
    first, second = register(), register()
    dbs = [till(tmp_path, b, claims=3)[1] for b in (first, second)]
    for branch, db in zip((first, second), dbs, strict=True):
        push_all(db, live_portal, branch, batch_size=4)
    done = _run(portal_db, "worker", "--concurrency", "2", "--until-idle")
    assert done.returncode == 0, done.stderr
    for branch, db in zip((first, second), dbs, strict=True):
        assert Claim.objects.filter(branch_id=branch.pk, state="rejected").count() == 3
        cursor = ProjectionCursor.objects.get(branch_id=branch.pk)
        assert cursor.applied + cursor.skipped == len(outbox(db))
    with connection.cursor() as cursor_:
        cursor_.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor_.fetchone() == (0,)
    # The metric page's sales as the projector's writes left them are what a recount makes.
    kept = sales_counted()
    assert sum(row[-1] for row in kept) == Warranty.objects.exclude(sold_on=None).count() > 0
    recounted = _run(portal_db, "recount")
    assert recounted.returncode == 0, recounted.stderr
    assert f"counted again: {len(kept):,} groups" in recounted.stdout
    assert sales_counted() == kept
    # And the claims' roll-up, one row a claim, as its view defines them.
    assert f"rolled up again: {Claim.objects.count():,} claims" in recounted.stdout
    assert claims_rolled() == claims_rolled("projections_claimroll_source")


def test_production_settings_pass_the_deploy_check_and_refuse_to_start_without_a_key(
    portal_db: PortalDatabase,
) -> None:
    env = {**portal_env(portal_db), "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "PORTAL_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-0123456789",
           "PORTAL_ALLOWED_HOSTS": "portal.example.com"}
    check = _run(portal_db, "manage", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout
    del env["PORTAL_SECRET_KEY"]
    refused = _run(portal_db, "migrate", env=env)
    assert refused.returncode == 2
    assert "PORTAL_SECRET_KEY is not set" in refused.stderr


def test_demo_registers_the_branch_once_and_gives_a_fresh_token_and_password_each_run(
    portal_db: PortalDatabase,
) -> None:
    import json

    from django.contrib.auth import authenticate

    first = _run(portal_db, "demo", "--branch", "DM01", "--json")
    again = _run(portal_db, "demo", "--branch", "DM01", "--json")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    one, two = json.loads(first.stdout), json.loads(again.stdout)
    assert one["branch"] == two["branch"] == "DM01" and one["token"] != two["token"]
    # Only the newest token and password work; the admin is one person, an admin.
    assert branch_of_token(one["token"]) is None
    found = branch_of_token(two["token"])
    assert found is not None and found.code == "DM01"
    assert authenticate(username=two["email"], password=one["password"]) is None
    user = authenticate(username=two["email"], password=two["password"])
    assert user is not None and StaffMember.objects.get(user=user).role == "admin"


def _settings(db: PortalDatabase, expression: str, **env: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    done = subprocess.run([*portal_command()[:1], "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, env={**portal_env(db), **env})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_cookies_are_secure_and_documents_can_go_to_an_s3_bucket(
    portal_db: PortalDatabase,
) -> None:
    production = {"DJANGO_SETTINGS_MODULE": "portal.settings.production",
                  "PORTAL_SECRET_KEY": "k" * 60}
    assert _settings(portal_db, "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
                                "settings.SECURE_PROXY_SSL_HEADER", **production) == \
        "True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    assert "FileSystemStorage" in _settings(portal_db, "settings.STORAGES['default']")
    s3 = _settings(portal_db, "settings.STORAGES['default']", PORTAL_S3_BUCKET="wd-documents",
                   PORTAL_S3_ENDPOINT_URL="https://s3.example.net", **production)
    assert "storages.backends.s3.S3Storage" in s3 and "'bucket_name': 'wd-documents'" in s3
    assert "'endpoint_url': 'https://s3.example.net'" in s3 and "'default_acl': 'private'" in s3


def test_production_runs_on_the_wall_clock_even_when_told_to_stand_still(
    portal_db: PortalDatabase,
) -> None:
    production = {"DJANGO_SETTINGS_MODULE": "portal.settings.production",
                  "PORTAL_SECRET_KEY": "k" * 60}
    assert _settings(portal_db, "type(settings.PORTAL_CLOCK).__name__",
                     **production) == "SystemClock"
    # The development profile stands where PORTAL_CLOCK_AT says (portal_env gives noon).
    assert _settings(portal_db, "settings.PORTAL_CLOCK.now().isoformat()") == \
        "2026-11-22T12:00:00+00:00"


def _demo_portal() -> ModuleType:
    """packaging/demo_portal.py (a script, not a package) as a module."""
    path = Path(__file__).resolve().parents[2] / "packaging" / "demo_portal.py"
    spec = importlib.util.spec_from_file_location("demo_portal", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_customer_signs_in_with_the_code_make_run_finds_in_the_mail_folder(
    portal_db: PortalDatabase, records: Shops, tmp_path: Path,
) -> None:
    import json

    none_yet = _run(portal_db, "demo-customer", "--branch", "NOSALES")
    assert none_yet.returncode == 1
    assert "no customer with an email and a product at head office yet" in none_yet.stderr
    done = _run(portal_db, "demo-customer", "--branch", records.north.code, "--json")
    assert done.returncode == 0, done.stderr
    # The customer with a claim, so every page has something to show.
    assert json.loads(done.stdout) == {"email": records.bob_email, "name": "Ann North",
                                       "products": 1, "claim": "CL-9", "claimable": "",
                                       "extendable": ""}
    # What `make run` prints: the mail lands as a file, the code is read out of it.
    browser = client()
    mail = tmp_path / "mail"
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                           EMAIL_FILE_PATH=str(mail)):
        assert browser.post("/me/sign-in/", {"email": records.bob_email}).status_code == 302
    demo = _demo_portal()
    printed = io.StringIO()
    stop = threading.Event()
    with contextlib.redirect_stdout(printed):
        watcher = threading.Thread(target=demo.watch_mail, args=(mail, stop, 0.05))
        (mail / "old.log").write_bytes(b"")  # written before the watch: not announced
        watcher.start()
        time.sleep(0.2)
        [written] = [p for p in mail.glob("*") if p.name != "old.log"]
        written.rename(mail / "zz-new.log")
        deadline = time.monotonic() + 5
        while "Sign-in code" not in printed.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        watcher.join()
    found = re.search(rf"Sign-in code for {re.escape(records.bob_email)}: (\S+)",
                      printed.getvalue())
    assert found, printed.getvalue()
    signed = browser.post("/me/sign-in/code/", {"code": found.group(1)})
    assert signed.status_code == 302 and signed["Location"] == "/me/"
    assert "Bob&#x27;s fridge" in browser.get("/me/").content.decode()


def test_the_demo_customer_can_try_an_open_claim_a_new_claim_and_an_extension(
    portal_db: PortalDatabase,
) -> None:
    """The newcomer `make run` signs in as reaches every customer page with something on it:
    chosen for an open claim, a product to claim on and a plan to buy, before claim count."""
    import json

    from portal.projections.models import Customer, ExtensionPlan

    shop = register()
    many = Customer.objects.create(branch_id=shop.pk, reference="C-1", name="Many Claims",
                                   email="many@example.com")
    for n in range(3):  # out of cover, their claims long settled
        old = sale(shop, many, f"{shop.code}-M{n}", f"Old {n}", f"SN-M{n}",
                   TODAY - timedelta(days=1200), 1)
        claim_with(shop, many, old, f"CL-M{n}", [("received", 900), ("resolved", 800)])
    dee = Customer.objects.create(branch_id=shop.pk, reference="C-2", name="Dee Demo",
                                  email="dee@example.com")
    fridge = sale(shop, dee, f"{shop.code}-D1", "Fridge", "SN-D1", TODAY - timedelta(days=40), 2,
                  price_minor=50_000)  # type: ignore[arg-type]
    claim_with(shop, dee, fridge, "CL-D1", [("received", 3), ("repairing", 1)])
    sale(shop, dee, f"{shop.code}-D2", "Kettle", "SN-D2", TODAY - timedelta(days=20), 2)
    ExtensionPlan.objects.create(branch_id=shop.pk, code="CARE", name="Care", months=24,
                                 price_minor=4_900, currency="GBP", max_days_since_sale=60)
    done = _run(portal_db, "demo-customer", "--branch", shop.code, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "email": "dee@example.com", "name": "Dee Demo", "products": 2, "claim": "CL-D1",
        "claimable": "Kettle", "extendable": "Fridge"}
    printed = _demo_portal().sign_in_words(json.loads(done.stdout))
    assert printed.splitlines()[2:] == [
        "  - claim CL-D1 under way: its timeline, documents and messages",
        "  - Start a claim on the Kettle", "  - Extend cover for the Fridge"]


def test_the_demo_shops_customer_for_make_run_can_try_every_customer_page(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    """The demo till `make run` syncs (warranty-desk init --demo) has such a customer."""
    from portal.projections import projector
    from portal.staff.demo import demo_customer
    from warranty_desk.demo.story import build_demo_shop

    home, db = till(tmp_path, branch)
    build_demo_shop(db, documents_root=home.documents)
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    found = demo_customer(branch.code)
    assert found is not None and found.pages() == 3, found
