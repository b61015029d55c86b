"""A file as a printer: a PDF or ESC/POS file on disk, or a device file like /dev/usb/lp0."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from printing.targets import FILE, Target
from warranty_desk.errors import DeviceUnavailable


class FilePrinter:
    """Writes each delivery to one path: whole or not at all for a file, as-is for a device."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, data: bytes) -> None:
        """Write the bytes; a regular file is replaced atomically, a device is written to."""
        try:
            if _is_device(self.path):
                self._write_device(data)
            else:
                self._write_file(data)
        except OSError as exc:
            raise DeviceUnavailable(_failure(self.path, exc)) from exc

    def close(self) -> None:
        """Nothing stays open between deliveries."""

    def _write_device(self, data: bytes) -> None:
        # No O_CREAT: a printer that is unplugged must fail, not leave a file in its place.
        fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def _write_file(self, data: bytes) -> None:
        # A reader (a PDF viewer, a print spooler watching the folder) never sees half a file.
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                    suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, _mode_for(self.path))
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _mode_for(path: Path) -> int:
    # mkstemp makes the file private; a replaced file keeps its mode, a new one is readable
    # like any file the person saves, so a viewer or spooler running as them can open it.
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644


def _is_device(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        # A device that is unplugged has no node: a path under /dev is still meant as one.
        return Target(FILE, path=path).is_device
    return not stat.S_ISREG(mode)


def _failure(path: Path, exc: OSError) -> str:
    reason = (exc.strerror or str(exc)).lower()
    if _is_device(path):
        return (f"The printer at {path} could not be written to ({reason}). Check it is "
                "switched on, has paper and its cable is plugged in.")
    return (f"The file {path} could not be written ({reason}). Check the folder "
            f"{path.parent} exists, has space and may be written to.")
