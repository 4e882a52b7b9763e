"""Subcommands, one module per area. Each module has ``register(subparsers)``."""

from . import app_cmds, check_cmds, doc_cmds, spec_cmds, store_cmds

COMMAND_MODULES = (spec_cmds, check_cmds, doc_cmds, store_cmds, app_cmds)
