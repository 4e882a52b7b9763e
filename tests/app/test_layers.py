"""The layers stay clean: widgets never import the app; screens write no files themselves."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(("." * node.level) + node.module)
    return names


def test_widgets_never_import_the_app():
    for path in (ROOT / "widgets").glob("*.py"):
        assert not any(name.startswith("workbench.app") for name in imports(path)), path


def test_screens_write_no_files():
    for path in (ROOT / "workbench" / "app" / "screens").glob("*.py"):
        text = path.read_text()
        for call in ("open(", ".write_text(", ".write_bytes(", "atomic_write("):
            assert call not in text, f"{path.name} calls {call}: write through the session and the store"
