"""Reusable Textual widgets for the interview app (gap panel, duration input, system table ...).

Widgets may import the core's types (``workbench.spec``, ``workbench.rules``)
but never ``workbench.app``. The interview app is the next wave of work.
"""
