"""The command palette (ctrl+p): jump to any step, system, question or finding; switch client; export."""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon

#: Most systems and questions offered by one search (the palette stays quick at 5,000 systems).
LIMIT = 2000


class PlainPalette(CommandPalette):
    """Textual's palette with ">" before the search line instead of a magnifying-glass emoji, which is two
    cells wide in some terminals and one in others (over SSH it shifted the line)."""

    def on_mount(self) -> None:
        for icon in self.query(SearchIcon):
            icon.icon = ">"


class WorkbenchCommands(Provider):
    """Steps, systems, questions and findings of the open client, and the app's own commands."""

    def _entries(self) -> Iterator[tuple[str, object, str]]:
        """(text, callback, help) for everything the palette can do now."""
        app = self.app
        yield "Switch client", app.action_switch_client, "save this client and go back to the client list"
        screen = self.screen
        if app.session is None or not hasattr(screen, "jump_to"):
            return
        yield ("Export follow-ups (Markdown and CSV)", app.action_export_follow_ups,
               "write the open questions into the client's exports folder")
        yield ("Export the draft for review (written policy and readiness report)", app.action_export_draft,
               "Markdown, HTML and Word into the client's exports folder, every page marked DRAFT")
        yield "Review before publishing", app.action_review, "readiness, findings, exceptions, written policy"
        yield "Publish", partial(_publish, app), "diff, approver, date and note; publish the next version"
        yield "Changes since the last published version", app.action_changes, "the diff and findings that moved"
        yield "History of published versions", app.action_history, "verify, diff any two, read any version"
        yield ("Roles and people (matrix)", app.action_roles,
               "who may delete, cut retention, lift locks, administer keys; MFA, sign-ins, conflicts")
        yield "Exceptions register", app.action_exceptions, "accept, renew and retire exceptions; expiring ones marked"
        yield "Next question", screen.action_next_question, "the most important unanswered question"
        yield "Undo", screen.action_undo, "undo the last change"
        yield "Redo", screen.action_redo, "redo the change undone last"
        for step in app.interview.steps:
            yield f"Step: {step.title}", partial(screen.show_step, step.id), step.intro[:80]
        for i, system in enumerate(app.session.policy.systems[:LIMIT]):
            yield f"System: {system.id}", partial(screen.jump_to, f"systems[{i}].id"), system.description or ""
        for q in app.interview.questions:
            if "[*]" not in q.path:
                yield f"Question: {q.text}", partial(screen.jump_to, q.path), q.path
        yield from _item_questions(app, screen)
        derived = getattr(screen, "derived", None)
        if derived is not None:
            for f in derived.evaluation.report.open[:LIMIT]:
                yield (f"Finding {f.rule}: {f.message[:90]}", partial(screen.jump_to, f.path),
                       f"{f.severity}: jump to where it is answered")

    async def discover(self) -> Hits:
        for text, callback, help_text in list(self._entries())[:12]:
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)


def _item_questions(app, screen) -> Iterator[tuple[str, object, str]]:
    """Each question about an item of the smaller lists (copies, schedules, keys, roles, tests ...) once per
    item, named by the item: "vault-backup-usw2: How long are daily backups kept?". Systems are offered as
    items above: 5,000 systems times their 30 questions would slow every keystroke."""
    from workbench.spec.edit import EditError

    offered = 0
    for q in app.interview.questions:
        head, star, rest = q.path.partition("[*]")
        if not star or head == "systems" or "[*]" in rest:
            continue
        try:
            items = app.session.get(head)
        except EditError:
            continue
        for i, item in enumerate(items if isinstance(items, list) else ()):
            name = getattr(item, "id", None) or getattr(item, "name", None) or f"{head} #{i + 1}"
            path = f"{head}[{i}]{rest}"
            yield f"{name}: {q.text}", partial(screen.jump_to, path), path
            offered += 1
            if offered >= LIMIT:
                return


def _publish(app) -> None:
    from .screens.publish import PublishScreen

    app.push_screen(PublishScreen(app.session))

