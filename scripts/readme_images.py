"""Render the first page of the Word policy and of the readiness report as PNG images for the README.

    python scripts/readme_images.py [--profile policy_templates/profiles/fintech-sox-pci.yaml]
                                    [--as-of 2026-06-30] [--out docs/images]

Needs LibreOffice Writer and poppler (on Debian or Ubuntu:
``apt-get update && apt-get install -y libreoffice-writer poppler-utils``).
Writes ``policy-page1.png`` and ``readiness-report-page1.png`` (60 dpi) and
keeps the .docx and .pdf next to them in a temporary folder only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.document import render  # noqa: E402
from workbench.rules import evaluate  # noqa: E402
from workbench.spec import load  # noqa: E402

PAGES = {"policy": "policy-page1", "report": "readiness-report-page1"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--profile", default=str(ROOT / "policy_templates/profiles/fintech-sox-pci.yaml"))
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--out", default=str(ROOT / "docs/images"))
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y libreoffice-writer poppler-utils", file=sys.stderr)
            return 2
    policy = load(args.profile)
    report = evaluate(policy, dt.date.fromisoformat(args.as_of))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for document, stem in PAGES.items():
            docx = work / f"{stem}.docx"
            docx.write_bytes(render(policy, report, "docx", document=document))
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", "pdf",
                            "--outdir", str(work), str(docx)], check=True, capture_output=True, timeout=300)
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                            str(work / f"{stem}.pdf"), str(out / stem)], check=True, timeout=120)
            print(f"wrote {out / (stem + '.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
