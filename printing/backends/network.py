"""A receipt printer on the network: raw ESC/POS over TCP, usually port 9100."""

from __future__ import annotations

import socket
import time

from warranty_desk.errors import DeviceUnavailable

# A printer on the shop's LAN answers in milliseconds; three seconds covers a sleeping one
# waking up without leaving the counter waiting on one that is switched off.
CONNECT_TIMEOUT_S = 3.0
# A printer out of paper stops reading and the send stalls: this long without progress is a
# failure, while a slow printer that keeps reading stays well inside it.
SEND_TIMEOUT_S = 15.0
# After the last byte we half-close and wait this long for the printer to close its side;
# a printer that dropped the connection mid-job answers with a reset inside this window.
DRAIN_S = 1.0

_CHECK = "Check it is switched on, has paper and is on the network"


class NetworkPrinter:
    """Sends each delivery over its own TCP connection, closed when the job is sent."""

    def __init__(self, host: str, port: int = 9100, *, connect_timeout: float =
                 CONNECT_TIMEOUT_S, send_timeout: float = SEND_TIMEOUT_S,
                 drain: float = DRAIN_S) -> None:
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.send_timeout = send_timeout
        self.drain = drain
        self._sock: socket.socket | None = None

    @property
    def name(self) -> str:
        """The printer in words, to start a sentence."""
        address = f"[{self.host}]" if ":" in self.host else self.host
        return f"The receipt printer at {address}:{self.port}"

    def deliver(self, data: bytes) -> None:
        """Connect, send every byte, and make sure the printer did not drop them."""
        try:
            sock = self._connect()
            sock.settimeout(self.send_timeout)
            sock.sendall(data)
            # The half-close tells a raw-port printer the job is complete.
            sock.shutdown(socket.SHUT_WR)
            self._drain(sock)
        except DeviceUnavailable:
            raise
        except TimeoutError:
            raise DeviceUnavailable(
                f"{self.name} stopped taking data part way through. {_CHECK}.") from None
        except OSError as exc:
            raise DeviceUnavailable(
                f"{self.name} dropped the connection before it had the whole document "
                f"({_reason(exc)}). {_CHECK}.") from exc
        finally:
            self.close()

    def close(self) -> None:
        """Close the connection if one is open; safe to call twice."""
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _connect(self) -> socket.socket:
        try:
            self._sock = socket.create_connection((self.host, self.port),
                                                  timeout=self.connect_timeout)
        except socket.gaierror:
            raise DeviceUnavailable(
                f"{self.name} could not be found: the network does not know the name "
                f"{self.host}. Check the printer's address in Settings > Devices.") from None
        except ConnectionRefusedError:
            raise DeviceUnavailable(
                f"{self.name} refused the connection. Check it is switched on and that "
                f"{self.port} is its port.") from None
        except TimeoutError:
            raise DeviceUnavailable(f"{self.name} did not answer. {_CHECK}.") from None
        except OSError as exc:
            raise DeviceUnavailable(
                f"{self.name} cannot be reached ({_reason(exc)}). {_CHECK}.") from exc
        return self._sock

    def _drain(self, sock: socket.socket) -> None:
        # Whatever the printer says back (status bytes) is read and dropped until it closes;
        # a printer that keeps the connection open past the window has taken the job too.
        deadline = time.monotonic() + self.drain
        try:
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                if not sock.recv(1024):
                    return
        except TimeoutError:
            return


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).lower()
