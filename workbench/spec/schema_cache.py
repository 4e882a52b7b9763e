"""The spec model's validators, built from core schemas kept between runs instead of generated on every start.

Every model class of :mod:`workbench.spec.model` is declared with ``defer_build``: pydantic builds its
validator on first use, and that build (generating the core schema of 35 classes in Python, then looking up
pydantic plugins, which imports ``importlib.metadata``) was the largest single cost of ``workbench check``
and of the app's start. The core schema it generates is plain data plus references to our own classes and
functions, and pydantic-core builds a validator from it in a millisecond. So the first run keeps the core
schema of every model class in the user's cache folder (pickled, written atomically through
:func:`workbench.store.atomic.atomic_write`), and later runs build each class's validator and serializer
from it when that class is first used (:meth:`workbench.spec.model.Node.model_rebuild` asks here first).

The kept file is used only while everything it was made from is unchanged: the source of every module of
``workbench.spec`` and of any other workbench module it refers to (by content hash), the files of the
other modules it refers to (by size and modification time, as Python's own bytecode cache does), and the
versions of Python, pydantic and pydantic-core. On any mismatch, any error reading or using it, or a file
another user could have written, it is ignored and the class is built the normal way (and the file made
again). Nothing here changes what validates or how: only where the core schema comes from.

Pydantic plugins (hooks found through installed packages' entry points) are honoured as pydantic honours
them, without looking them up on every start (that look-up imports ``importlib.metadata`` and reads every
installed package's metadata): the schemas are kept only when pydantic found no plugin, and the kept file
is stamped with the folders packages are installed in, so installing or removing a package (a plugin
among them) sends the next start through pydantic's own build and look-up again.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path
from typing import Any, Optional

#: Bump when what is kept, or how a class is completed from it, changes in a way the stamps would not show.
FORMAT = 1
FILE_NAME = "spec-schema.pickle"
APP_NAME = "backup-policy-workbench"

_lock = threading.RLock()
#: qualname -> core schema once read; False once the kept file proved unusable in this process.
_schemas: Any = None
#: True while every class is being built to write the file (their rebuilds must not read it meanwhile).
_keeping = False


def cache_dir() -> Path:
    """Where the workbench keeps caches: ``WORKBENCH_CACHE_DIR``, else ``cache`` in ``WORKBENCH_DATA_DIR``
    (tests and portable installs keep everything in one folder), else the user's cache folder."""
    override = os.environ.get("WORKBENCH_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    data = os.environ.get("WORKBENCH_DATA_DIR")
    if data:
        return Path(data).expanduser() / "cache"
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel"):
        # platformdirs' rule on Linux (XDG), without importing it: its import (tempfile, shutil, random) costs
        # more than reading the kept schemas. A test checks that both give the same folder.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):  # a relative one is ignored
            return Path(xdg) / APP_NAME
        home = os.environ.get("HOME")
        if home is None or os.path.isabs(home):
            base = os.path.expanduser("~/.cache")
            if os.path.isabs(base):
                return Path(base) / APP_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def cache_path() -> Path:
    return cache_dir() / FILE_NAME


def model_classes() -> list[type]:
    """Every model class of the spec, in declaration order."""
    from . import model

    return [v for v in vars(model).values()
            if isinstance(v, type) and issubclass(v, model.Node) and v is not model.Node
            and v.__module__ == model.__name__]


# ----------------------------------------------------------------------------
# Completing a class from the kept schemas
# ----------------------------------------------------------------------------
def complete(cls: type) -> bool:
    """Give ``cls`` its core schema, validator and serializer from the kept schemas; False when they cannot
    be used (the caller then builds it the normal way). Never raises."""
    global _schemas
    with _lock:
        if cls.__dict__.get("__pydantic_complete__"):
            return True
        if _keeping or _schemas is False:
            return False
        if _schemas is None:
            _schemas = _read() or False
            if _schemas is False:
                return False
        schema = _schemas.get(cls.__qualname__)
        if schema is None or cls.__module__ != "workbench.spec.model":
            return False
        try:
            _install(cls, schema)
        except Exception:  # a pydantic that completes classes differently: build it the normal way
            from pydantic._internal._mock_val_ser import set_model_mocks

            set_model_mocks(cls)
            cls.__pydantic_complete__ = False
            _schemas = False
            return False
        return True


def _install(cls: Any, schema: dict) -> None:
    """What pydantic's ``complete_model_class`` does once it has the core schema (pydantic 2.11 to 2.14)."""
    from functools import partial

    from pydantic._internal._config import ConfigWrapper
    from pydantic._internal._model_construction import set_deprecated_descriptors
    from pydantic._internal._signature import generate_pydantic_signature
    from pydantic._internal._utils import LazyClassAttribute
    from pydantic_core import SchemaSerializer, SchemaValidator

    if not cls.__pydantic_fields_complete__:
        raise RuntimeError(f"{cls.__name__}: fields not complete")
    config = ConfigWrapper(cls.model_config, check=False)
    core_config = config.core_config(title=cls.__name__)
    validator = SchemaValidator(schema, core_config)
    serializer = SchemaSerializer(schema, core_config)
    cls.__pydantic_computed_fields__ = {k: v.info for k, v in cls.__pydantic_decorators__.computed_fields.items()}
    set_deprecated_descriptors(cls)
    cls.__pydantic_core_schema__ = schema
    cls.__pydantic_validator__ = validator
    cls.__pydantic_serializer__ = serializer
    cls.__signature__ = LazyClassAttribute(
        "__signature__",
        partial(generate_pydantic_signature, init=cls.__init__, fields=cls.__pydantic_fields__,
                validate_by_alias=config.validate_by_alias, extra=config.extra),
    )
    cls.__pydantic_complete__ = True
    cls.__pydantic_on_complete__()


# ----------------------------------------------------------------------------
# What the kept file was made from
# ----------------------------------------------------------------------------
def _versions() -> tuple:
    import pydantic_core
    from pydantic.version import VERSION

    # sys.path less its first entry (the script's folder, or the working folder under -m and -c): a folder
    # added to it (PYTHONPATH) may hold a plugin's package
    return (FORMAT, sys.implementation.cache_tag, sys.version, VERSION, pydantic_core.__version__,
            os.environ.get("PYDANTIC_DISABLE_PLUGINS"), tuple(sys.path[1:]), _package_folders())


def _package_folders() -> tuple:
    """Each folder packages are installed in, with its modification time: installing or removing a package
    (a pydantic plugin among them) changes it."""
    import site

    folders = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE and hasattr(site, "getusersitepackages"):
        folders.append(site.getusersitepackages())
    out = []
    for folder in dict.fromkeys(folders):
        try:
            out.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


def _plugins_found() -> bool:
    """Whether pydantic found a plugin (asked after it has built a validator, so its look-up is done)."""
    from pydantic.plugin._loader import get_plugins

    return bool(list(get_plugins()))


def _spec_files() -> list[Path]:
    return sorted(Path(__file__).resolve().parent.glob("*.py"))


def _stamps(modules: list[str]) -> Optional[dict[str, Any]]:
    """Content hash of each workbench source file the schemas depend on, size and modification time of the
    other modules' files; None when one of them cannot be found."""
    out: dict[str, Any] = {}
    for path in _spec_files():
        out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    for name in modules:
        module = sys.modules.get(name)
        if module is None:
            return None
        file = getattr(module, "__file__", None)
        if not file:  # built in: the Python version covers it
            continue
        path = Path(file).resolve()
        if str(path) in out:
            continue
        if name == "workbench" or name.startswith("workbench."):
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            st = path.stat()
            out[str(path)] = (st.st_size, st.st_mtime_ns)
    return out


def _pickle(schemas: dict) -> tuple[bytes, list[str]]:
    """The pickled schemas, and the modules whose classes and functions they refer to."""
    import io
    import pickle
    import types

    modules: set[str] = set()

    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj):  # called for every object pickled: note where references point
            if isinstance(obj, types.MethodType):
                obj = obj.__func__
            if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)):
                name = getattr(obj, "__module__", None)
                if name:
                    modules.add(name)
            return None

    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(schemas)
    return out.getvalue(), sorted(modules)


def _read() -> Optional[dict]:
    """The kept schemas, or None when there are none usable."""
    try:
        try:  # the C unpickler alone: the pickle module (its Python pickler) is needed only to write
            from _pickle import loads as _loads
        except ImportError:  # pragma: no cover - an interpreter without it
            from pickle import loads as _loads

        path = cache_path()
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            # written by this user, writable by no one else: a file someone else could write is never unpickled
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None
            raw = fh.read()
        header, blob = _loads(raw)  # noqa: S301 - plain data (a dict and bytes) from our own file
        if not isinstance(header, dict) or header.get("versions") != _versions():
            return None
        if header.get("stamps") != _stamps(header.get("modules", [])):
            return None
        schemas = _loads(blob)  # noqa: S301 - checked above: ours, and made from this very code
        if not isinstance(schemas, dict) or sorted(schemas) != sorted(c.__qualname__ for c in model_classes()):
            return None
        return schemas
    except Exception:
        return None


# ----------------------------------------------------------------------------
# Keeping them
# ----------------------------------------------------------------------------
def keep() -> bool:
    """Build every model class the normal way (those not built yet) and keep their core schemas for the next
    runs. Called after a class had to be built the normal way; never raises, never fails the caller."""
    global _keeping, _schemas
    import pickle

    with _lock:
        if _keeping:
            return False
        _keeping = True
    # the classes are built without holding the lock: pydantic's own build takes its rebuild lock, and
    # another thread completing a class meanwhile is simply told to build it the normal way
    try:
        folder = cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):  # nothing can be kept: do not build the other classes for it
            return False
        classes = model_classes()
        for cls in classes:
            cls.model_rebuild()
        if _plugins_found():  # validators must go through them: built by pydantic on every start
            return False
        schemas = {c.__qualname__: c.__pydantic_core_schema__ for c in classes}
        blob, modules = _pickle(schemas)
        stamps = _stamps(modules)
        if stamps is None:
            return False
        header = {"versions": _versions(), "modules": modules, "stamps": stamps}
        from workbench.store.atomic import atomic_write

        atomic_write(cache_path(), pickle.dumps((header, blob), protocol=pickle.HIGHEST_PROTOCOL), mode=0o600)
        _schemas = schemas
        return True
    except Exception:  # a read-only or full disk, an unpicklable schema: the next run builds them again
        return False
    finally:
        _keeping = False
