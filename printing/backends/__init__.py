"""Printer backends: each only moves bytes to one kind of device, behind `deliver`."""

from __future__ import annotations

from typing import Protocol

from printing.targets import SERIAL, TCP, Target


class Backend(Protocol):
    """A device that takes a document's bytes; opened on first use, `close()` idempotent.

    Every failure to reach or feed the device is a `DeviceUnavailable` whose message names
    the printer and what to check.
    """

    def deliver(self, data: bytes) -> None:
        """Send every byte to the device, or raise DeviceUnavailable."""

    def close(self) -> None:
        """Let go of the device; safe to call twice or before anything was sent."""


def open_backend(target: Target) -> Backend:
    """The backend for a target; nothing is opened until the first `deliver`."""
    # Imported per kind so that writing a PDF file never loads pyserial.
    if target.kind == SERIAL:
        from printing.backends.serial_port import SerialPrinter

        return SerialPrinter(target.device, target.baud)
    if target.kind == TCP:
        from printing.backends.network import NetworkPrinter

        return NetworkPrinter(target.host, target.port)
    from printing.backends.file import FilePrinter

    assert target.path is not None  # a file target always has its path
    return FilePrinter(target.path)
