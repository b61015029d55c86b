"""The real portal behind real TLS (its proxy terminates it): a private certificate authority
and a server certificate it signed."""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.liveportal.branch_view import BranchPortal

# Certificates are made for a fixed span around a fixed moment: the TLS library checks them
# against the real clock, which the tests never read; ten years either side covers any run.
_ISSUED = datetime(2026, 1, 1, tzinfo=UTC)
_SPAN = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Certificates:
    """Files of a private CA and of a server certificate it signed for some names."""

    ca: Path  # the CA's certificate (.pem): what a till names as its bundle
    server_cert: Path
    server_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_certificates(folder: Path, *, hosts: tuple[str, ...] = ("127.0.0.1",)) -> Certificates:
    """A CA ("Head Office Private CA") and a server certificate for `hosts`, as PEM files."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("Head Office Private CA"))
          .issuer_name(_name("Head Office Private CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(_ISSUED - _SPAN).not_valid_after(_ISSUED + _SPAN)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(
              digital_signature=True, key_cert_sign=True, crl_sign=True,
              content_commitment=False, key_encipherment=False, data_encipherment=False,
              key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder().subject_name(_name(hosts[0])).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_ISSUED - _SPAN).not_valid_after(_ISSUED + _SPAN)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    found = Certificates(folder / "head-office-ca.pem", folder / "portal.pem",
                         folder / "portal.key")
    found.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    found.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    found.server_key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return found


def tls_context(certificates: Certificates) -> ssl.SSLContext:
    """A server's TLS context with the certificate and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.server_cert, certificates.server_key)
    return context


def serve_tls(portal: BranchPortal, certificates: Certificates) -> BranchPortal:
    """Put the real portal behind TLS with this certificate: its proxy listens over https.

    A till refusing the certificate ends the handshake in the proxy's handler; that is the
    point of the tests, so the proxy does not print it as an error.
    """
    portal.proxy.go_offline()
    portal.proxy.tls = tls_context(certificates)
    portal.proxy.go_online()
    return portal
