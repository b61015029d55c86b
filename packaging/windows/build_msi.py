"""Packs the one-folder bundle into an MSI with wixl: `python packaging/windows/build_msi.py`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WXS = HERE / "warranty-desk.wxs"
TASK = HERE / "warranty-desk-sync.xml"
ICON = ROOT / "packaging" / "icons" / "warranty-desk.ico"
# Named in warranty-desk.wxs itself (the shortcuts and the task point at them).
PROGRAMS = ("warranty-desk", "warranty-desk-app")


def bundle_files(bundle: Path) -> list[str]:
    """Every file of the bundle but the two programs, as paths under the bundle, sorted."""
    programs = {name + suffix for name in PROGRAMS for suffix in ("", ".exe")}
    found = []
    for folder, _dirs, files in os.walk(bundle):
        for name in files:
            relative = (Path(folder) / name).relative_to(bundle).as_posix()
            if relative not in programs:
                found.append(relative)
    return sorted(found)


def exe_suffix(bundle: Path) -> str:
    """".exe" for a bundle built on Windows, "" for one built here (named .exe in the MSI)."""
    return ".exe" if (bundle / "warranty-desk.exe").is_file() else ""


def build(bundle: Path, out: Path, version: str) -> Path:
    """Write the MSI; wixl's own words go to stderr when it refuses."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wd-msi-") as work:
        # wixl reads Source paths relative to where it runs: the inputs are linked in there.
        links = {"bundle": bundle, "sync-task.xml": TASK, "icon.ico": ICON}
        for name, target in links.items():
            (Path(work) / name).symlink_to(target)
        listing = "".join(f"bundle/{path}\n" for path in bundle_files(bundle))
        heat = subprocess.run(
            ["wixl-heat", "--var", "var.BundleDir", "-p", "bundle/", "--directory-ref",
             "INSTALLDIR", "--component-group", "BundleFiles"],
            input=listing, capture_output=True, text=True, check=True)
        fragment = Path(work) / "bundle-files.wxs"
        fragment.write_text(heat.stdout, encoding="utf-8")
        defines = {"BundleDir": "bundle", "Version": version, "ExeSuffix": exe_suffix(bundle),
                   "TaskFile": "sync-task.xml", "IconFile": "icon.ico"}
        command = ["wixl", "--arch", "x64", "-o", str(out.resolve())]
        for name, value in defines.items():
            command += ["-D", f"{name}={value}"]
        subprocess.run([*command, str(WXS), fragment.name], cwd=work, check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "warranty-desk")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--version", default=None, help="default: the package's version")
    args = parser.parse_args(argv)
    if not (args.bundle / "_internal").is_dir():
        print(f"build_msi: no bundle in {args.bundle}; run `make package` first.",
              file=sys.stderr)
        return 2
    if args.version is None:
        sys.path.insert(0, str(ROOT))
        from warranty_desk.about import app_version

        args.version = app_version()
    out = args.out or args.bundle.parent / f"warranty-desk-{args.version}.msi"
    print(build(args.bundle.resolve(), out, args.version))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
