"""The policy spec: the model, durations, files and cross-references."""

from .durations import Duration
from .io import Problem, SpecError, dumps, format_path, load, loads, parse_path, save, to_data
from .model import BACKUP_PERMISSIONS, DESTRUCTIVE, Policy

__all__ = [
    "BACKUP_PERMISSIONS", "DESTRUCTIVE", "Duration", "Policy", "Problem", "SpecError",
    "dumps", "format_path", "load", "loads", "parse_path", "save", "to_data",
]
