"""The follow-up list as Markdown and CSV, ready to send after the meeting. Pure: text in, text out."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("id", "question", "field", "owner", "due", "note")


def _rows(policy: Any) -> list[dict]:
    rows = []
    for f in policy.follow_ups:
        if f.status != "open":
            continue
        rows.append({"id": f.id or "", "question": f.question, "field": f.field or "", "owner": f.owner or "",
                     "due": f.due.isoformat() if f.due else "", "note": getattr(f, "note", None) or ""})
    return sorted(rows, key=lambda r: (r["due"] or "9999", r["owner"], r["id"]))


def follow_ups_markdown(policy: Any) -> str:
    """A Markdown list grouped by who answers, soonest first."""
    name = policy.organization.name or "the client"
    rows = _rows(policy)
    lines = [f"# Open questions for {name}", ""]
    if not rows:
        return "\n".join(lines + ["No open questions.", ""])
    owners: dict[str, list[dict]] = {}
    for r in rows:
        owners.setdefault(r["owner"] or "Not assigned yet", []).append(r)
    for owner, items in owners.items():
        lines += [f"## {owner}", ""]
        for r in items:
            due = f" (by {r['due']})" if r["due"] else ""
            lines.append(f"- **{r['id']}**{due}: {r['question']}")
            if r["note"]:
                lines.append(f"  - Note: {r['note']}")
            if r["field"]:
                lines.append(f"  - Policy field: `{r['field']}`")
        lines.append("")
    return "\n".join(lines)


def follow_ups_csv(policy: Any) -> str:
    """One row per open follow-up, with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(policy))
    return out.getvalue()
