"""Every report in the registry, and the warranty register, exported through the command line's
own code (`warranty-desk report NAME --csv`, `--pdf FILE`) in one child process: one start-up
for all of them instead of one per report, which keeps the till scan's time bounded.

Run as `python -m tests.privacy.export_reports HOME FOLDER TODAY [PDF-REPORT ...]`; it prints
one line per file written and exits 1 naming every report the command refused."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from warranty_desk import cli
from warranty_desk.services.report_registry import REPORTS


def export_all(home: str, folder: Path, today: str, pdfs: list[str]) -> list[str]:
    """Write FOLDER/NAME.csv for every report and FOLDER/NAME.pdf for those asked; the names
    of the reports the command refused."""
    common = ["--home", home, "--today", today, "report"]
    refused = []
    for name in ("warranties", *REPORTS):
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            code = cli.main([*common, name, "--csv"])
        if code:
            refused.append(f"{name} --csv (exit {code})")
        else:
            print(path.name)
    for name in pdfs:
        path = folder / f"{name}.pdf"
        with contextlib.redirect_stdout(sys.stderr):
            code = cli.main([*common, name, "--pdf", str(path)])
        if code:
            refused.append(f"{name} --pdf (exit {code})")
        else:
            print(path.name)
    return refused


if __name__ == "__main__":
    home, folder, today, *pdfs = sys.argv[1:]
    refused = export_all(home, Path(folder), today, pdfs)
    if refused:
        print("refused: " + ", ".join(refused), file=sys.stderr)
    sys.exit(1 if refused else 0)
