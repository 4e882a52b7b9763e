"""Size of the `workbench check` text report for every clean starter and example client.

Prints lines and bytes of the default (one line per finding) and --detail
views, as of 2026-06-30, so a change to the report or the rules can be
measured against the figures in the README. No timing: sizes only.

    python benchmarks/check_output_size.py
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

from workbench.cli import main
from workbench.starters import build_starter, it_models, organizations, starter_text
from workbench.templates import list_templates, template_path

AS_OF = "2026-06-30"


def size(path: Path, *extra: str) -> tuple[int, int]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["check", str(path), "--as-of", AS_OF, *extra])
    text = buf.getvalue()
    return len(text.splitlines()), len(text.encode("utf-8"))


def main_() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files: list[tuple[str, Path]] = []
        for o in organizations():
            for i in it_models():
                path = Path(tmp) / f"{o.name}-{i.name}.yaml"
                path.write_text(starter_text(build_starter(o.name, i.name, "Client Co")), encoding="utf-8")
                files.append((f"{o.name}-{i.name}", path))
        files += [(f"example {name}", template_path(name)) for name, *_ in list_templates()]
        print(f"{'starter':<30} {'lines':>6} {'bytes':>7}   {'detail lines':>12} {'bytes':>7}")
        for name, path in files:
            lines, size_b = size(path)
            dl, db = size(path, "--detail")
            print(f"{name:<30} {lines:>6} {size_b:>7}   {dl:>12} {db:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
