"""The installed Qt binding survives what a day at the counter does to it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_thousands_of_signal_emits_do_not_corrupt_the_interpreter() -> None:
    # PySide6 6.12.0 lost a reference to True on each emit and aborted after ~1000 of them;
    # a subprocess keeps a crash from taking the test run down with it.
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QObject, Signal
        class Source(QObject):
            changed = Signal(str)
        source = Source()
        before = sys.getrefcount(True)
        for _ in range(5000):
            source.changed.emit("scan")
        print(sys.getrefcount(True) - before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert abs(int(done.stdout.strip())) < 100
