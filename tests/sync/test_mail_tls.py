"""The till's mail server over STARTTLS and TLS, with a login: the certificate is checked
against the shop's bundle, and a wrong password says so without sending anything."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.mail import MailServer, NotTaken, compose, hand_over
from tests.sync.mail_box import smtp_server
from tests.sync.tls_portal import make_certificates
from warranty_desk.services.message_delivery import MailJob

# aiosmtpd's own notice when it answers a login itself (the test server's handled=False), and
# its log of the handshake the till breaks off when it does not trust the certificate.
pytestmark = pytest.mark.logs(r"^Session\.login_data is deprecated", r"SMTP session exception")

JOB = MailJob("send", to="ada@example.org", customer="Ada", subject="Your claim",
              body="Hello Ada,\n\nWe have it.", shop="Lumen Repairs")
WHEN = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_message_goes_over_tls_with_a_login_and_a_checked_certificate(
        tmp_path: Path, mode: str) -> None:
    certs = make_certificates(tmp_path / "certs")
    pair = (str(certs.server_cert), str(certs.server_key))
    with smtp_server(tls=mode, cert=pair, login=("shop", "s3cret")) as box:
        def server(password: str, bundle: str) -> MailServer:
            return MailServer("127.0.0.1", box.port, mode, "shop", lambda: password,
                              "repairs@shop.example", ca_bundle=bundle, timeout=10.0)

        mail = compose(JOB, "ab" * 16, "repairs@shop.example", WHEN)
        answer = hand_over(server("s3cret", str(certs.ca)), mail, JOB.to)
        assert answer.startswith("250") and box.ids() == [f"<{'ab' * 16}@shop.example>"]
        with pytest.raises(NotTaken, match="refused the user name or password"):
            hand_over(server("wrong", str(certs.ca)), mail, JOB.to)
        # Without the shop's bundle the private certificate is not trusted: nothing goes.
        with pytest.raises(NotTaken, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify"):
            hand_over(server("s3cret", ""), mail, JOB.to)
    assert len(box.ids()) == 1
