"""The written policy as it will read: a section list beside a Markdown preview.

Give it Markdown text (:meth:`PolicyPreview.show`); choosing a section in the
list scrolls the preview to that heading. It renders what it is given and
reads nothing else. At narrow widths the owner can hide the section list
(``-narrow`` class).

| Key | Action |
|---|---|
| enter (section list) | scroll the preview to that section |
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

#: Heading levels offered in the section list (deeper ones are in the preview only).
MAX_LEVEL = 2


class PolicyPreview(Horizontal):
    """A section list and a scrolling Markdown preview of one written policy."""

    DEFAULT_CSS = """
    PolicyPreview { height: 1fr; }
    PolicyPreview > #preview-sections { width: 34; height: 1fr; border: none; border-right: solid $primary;
                                        padding: 0; }
    PolicyPreview > #preview-scroll { width: 1fr; height: 1fr; padding: 0 1; }
    PolicyPreview.-narrow > #preview-sections { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield OptionList(id="preview-sections")
        with VerticalScroll(id="preview-scroll"):
            yield Markdown(id="preview-md", open_links=False)

    async def show(self, markdown: str) -> None:
        """Replace the previewed text (and its section list)."""
        await self.query_one("#preview-md", Markdown).update(markdown)
        self._fill_sections()

    def _fill_sections(self) -> None:
        sections = self.query_one("#preview-sections", OptionList)
        sections.clear_options()
        toc = self.query_one("#preview-md", Markdown).table_of_contents
        sections.add_options([Option(("  " * (level - 1)) + title, id=block_id)
                              for level, title, block_id in toc if level <= MAX_LEVEL and block_id])
        if sections.option_count:
            sections.highlighted = 0

    @property
    def section_titles(self) -> list[str]:
        sections = self.query_one("#preview-sections", OptionList)
        return [str(sections.get_option_at_index(i).prompt).strip() for i in range(sections.option_count)]

    def go_to(self, title: str) -> bool:
        """Scroll to the first section whose title starts with ``title``; False when there is none."""
        for level, text, block_id in self.query_one("#preview-md", Markdown).table_of_contents:
            if text.startswith(title) and block_id:
                self._scroll_to(block_id)
                return True
        return False

    @on(OptionList.OptionSelected, "#preview-sections")
    def _section_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._scroll_to(event.option.id)

    def _scroll_to(self, block_id: str) -> None:
        block = self.query_one(f"#{block_id}")
        self.query_one("#preview-scroll", VerticalScroll).scroll_to_widget(block, top=True, animate=False)
