"""Shared wording for findings: how a list of ids reads in a message."""

from __future__ import annotations

import re
from typing import Callable, Collection, Iterable, Optional


def listing(items: Iterable, limit: int = 3, fmt: Optional[Callable] = None) -> str:
    """``a, b, c and 4 more``: the first ``limit`` items, then a count (``fmt`` formats the shown ones)."""
    items = items if isinstance(items, (list, tuple)) else list(items)
    shown = ", ".join(fmt(x) if fmt else str(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def lower_first(text: str) -> str:
    """``text`` to follow words already said ("At stake: " + a rule's title): its first letter lowered, unless
    its first word is an abbreviation or a name written with capitals inside it ("RPO or RTO ...", "SaaS data
    ...", "PHI"), which keeps its case."""
    word = text.split(" ", 1)[0]
    if any(c.isupper() for c in word[1:]):
        return text
    return text[:1].lower() + text[1:]


def join_and(items: Iterable, limit: int = 3) -> str:
    """``a, b and c``, or ``a, b, c and 4 more`` past ``limit`` items."""
    items = [str(x) for x in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


#: Spec words -> plain words, for the one-line view (the detail keeps the spec's own message).
PLAIN_WORDS = {
    "job_failed": "failed backup", "job_missed": "missed backup", "copy_failed": "failed copy",
    "recovery_point_deleted": "deleted backup", "retention_changed": "retention change",
    "lock_changed": "lock change", "vault_lock_deleted": "vault lock removed", "plan_disabled": "plan switched off",
    "plan_deleted": "plan deleted", "key_disabled": "key disabled", "key_deletion_scheduled": "key deletion scheduled",
    "backup_role_membership_changed": "change in who holds a backup role",
    "capacity_threshold": "storage nearly full",
    "delete_recovery_point": "delete backups", "modify_retention": "change retention",
    "modify_immutability": "change locks", "bypass_governance": "bypass a governance lock",
    "disable_plan": "switch off a plan", "delete_vault": "delete a vault", "key_admin": "administer keys",
    "prod_admin": "administer production", "full_system": "full system", "worm_media": "WORM media",
    "provider_managed": "provider-managed",
}
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: A parenthesis holding only spec words after their plain wording: "(plan_disabled / plan_deleted)".
_SPEC_LABEL = re.compile(r"\((?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+): ")
_SPEC_PAREN = re.compile(r" \((?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\s*(?:/|,|or)\s*)?)+\)")


#: The permissions, whose plain words are verbs: "holds delete_recovery_point" reads "can delete backups".
_PERMISSION_WORDS = {"delete_recovery_point", "modify_retention", "modify_immutability", "bypass_governance",
                     "disable_plan", "delete_vault", "key_admin", "prod_admin"}
_HOLDS = re.compile(r"\b(still |also )?holds (?=([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b)")


def _holds_to_can(text: str, keep: Collection[str] = ()) -> str:
    return _HOLDS.sub(lambda m: f"can {m.group(1) or ''}" if m.group(2) in _PERMISSION_WORDS
                      and m.group(2) not in keep else m.group(0), text)


#: Data classes and regulatory tags the spec writes in lower case, as a reader expects them.
_ACRONYMS = re.compile(r"(?<![\w.-])(phi|pii|pci|hipaa|gdpr|sox|nydfs)(?![\w-])")


def _plain(message: str) -> str:
    """The message with spec words given in plain words: jargon after plain wording is dropped."""
    text = _SPEC_PAREN.sub("", _holds_to_can(message))
    text = _SPEC_LABEL.sub("(", text)
    text = _SNAKE.sub(lambda m: PLAIN_WORDS.get(m.group(0), m.group(0).replace("_", " ")), text)
    return _ACRONYMS.sub(lambda m: m.group(1).upper(), text)

def in_plain_words(message: str, keep: Collection[str] = ()) -> str:
    """``message`` with the spec's words given in plain words ("holds delete_recovery_point" -> "holds delete
    backups"; jargon in parentheses after its plain wording is dropped), for the one-line view of ``check`` and
    the app's gap panel. A word in ``keep`` (the policy's own ids: a system called ``prod_db``) stays as written."""
    def paren(m: re.Match) -> str:
        return m.group(0) if any(w in keep for w in _SNAKE.findall(m.group(0))) else ""

    def word(m: re.Match) -> str:
        w = m.group(0)
        return w if w in keep else PLAIN_WORDS.get(w, w.replace("_", " "))

    text = _SPEC_PAREN.sub(paren, _holds_to_can(message, keep))
    text = _SPEC_LABEL.sub(lambda m: m.group(0) if m.group(0)[1:-2] in keep else "(", text)
    text = _SNAKE.sub(word, text)
    return _ACRONYMS.sub(lambda m: m.group(0) if m.group(0) in keep else m.group(1).upper(), text)
