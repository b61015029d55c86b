"""A receipt printer on a serial port (RS-232 or a USB serial adapter), through pyserial."""

from __future__ import annotations

import errno
import logging
import os

import serial

from warranty_desk.errors import DeviceUnavailable

log = logging.getLogger(__name__)

# 8N1 puts ten bits on the wire per byte; the write timeout allows twice the wire time plus a
# margin for a printer that pauses to feed, so a dead printer fails but a long slip never does.
BITS_PER_BYTE = 10
WRITE_MARGIN_S = 5.0
# How long one read of the port may wait; nothing is read yet, but pyserial needs a bound.
READ_TIMEOUT_S = 1.0

_CHECK = "Check it is switched on, has paper and its cable is plugged in"


class SerialPrinter:
    """Sends bytes down one serial port; the port is opened on the first delivery."""

    def __init__(self, device: str, baud: int = 9600, *, write_timeout: float | None = None
                 ) -> None:
        self.device = device
        self.baud = baud
        self.write_timeout = write_timeout  # None: from the size of each delivery
        self._port: serial.Serial | None = None

    @property
    def name(self) -> str:
        """The printer in words, to start a sentence."""
        return f"The receipt printer on {self.device}"

    def deliver(self, data: bytes) -> None:
        """Write every byte and wait until the port has sent them."""
        port = self._open()
        try:
            # Setting it reconfigures the port, which is the first thing to fail on a pulled cable.
            port.write_timeout = (self.write_timeout if self.write_timeout is not None else
                                  WRITE_MARGIN_S + 2 * len(data) * BITS_PER_BYTE / self.baud)
            written = port.write(data)
            port.flush()
        except serial.SerialTimeoutException:
            self.close()
            raise DeviceUnavailable(
                f"{self.name} did not take the data in time. {_CHECK}.") from None
        except (serial.SerialException, OSError) as exc:
            self.close()
            log.info("writing to %s failed", self.device, exc_info=True)
            message = f"{self.name} stopped answering{_reason(exc)}. {_CHECK}."
            raise DeviceUnavailable(message) from exc
        if written != len(data):
            self.close()
            raise DeviceUnavailable(f"{self.name} took only {written} of {len(data)} bytes. "
                                    f"{_CHECK}.")

    def close(self) -> None:
        """Release the port; safe to call twice."""
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                # The port vanished under us (adapter pulled out); nothing is left to release.
                log.debug("closing %s failed", self.device, exc_info=True)

    def _open(self) -> serial.Serial:
        if self._port is not None:
            return self._port
        try:
            # exclusive: two programs writing to one printer would interleave their slips.
            self._port = serial.Serial(self.device, self.baud, timeout=READ_TIMEOUT_S,
                                       write_timeout=WRITE_MARGIN_S, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceUnavailable(_open_failure(self.name, exc)) from exc
        return self._port


def _reason(exc: BaseException) -> str:
    # pyserial's own wording ("Could not configure port: (5, ...)") means nothing at the
    # counter; the system's name for the error, when there is one, does.
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in errno.errorcode:
        return f" ({os.strerror(code).lower()})"
    return ""


def _open_failure(name: str, exc: BaseException) -> str:
    code = getattr(exc, "errno", None)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return (f"{name} could not be opened: there is no such port. Check the printer's "
                "cable or USB adapter is plugged in and the port name in Settings > Devices.")
    if code in (errno.EACCES, errno.EPERM):
        return (f"{name} could not be opened: this user may not use the port. On Linux, add "
                "the user to the dialout group and sign in again.")
    if code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
        return (f"{name} is in use by another program. Close that program, or check that the "
                "scanner and the printer are not set to the same port.")
    return f"{name} could not be opened{_reason(exc)}. {_CHECK}."
