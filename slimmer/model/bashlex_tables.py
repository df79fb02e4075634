"""Import bashlex with its parser tables read from a cache.

bashlex builds its LALR tables with a bundled copy of PLY on every import, ~80 ms, because
that copy no longer reads PLY's usual parsetab cache. slimmer runs as a pre-commit hook, so
it keeps the computed tables in the user's cache folder, as PLY itself would, keyed by the
installed bashlex files, the Python version and the grammar. The tables are plain dicts of the
parser's states; any problem (a new bashlex, an unreadable cache) falls back to the plain
import, which builds them as before.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import pickle
import sys
import tempfile


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "slimmer")


def _key(grammar, folder: str) -> str:
    """The grammar itself, plus the installed parser's files (size and mtime), plus Python."""
    text = "\n".join(str(p) for p in grammar.Productions) + repr(sorted(grammar.Precedence.items()))
    for name in ("parser.py", "yacc.py"):
        st = os.stat(os.path.join(folder, name))
        text += f"\n{name}:{st.st_size}:{st.st_mtime_ns}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"py{sys.version_info[0]}{sys.version_info[1]}-{digest}"


def _save(path: str, tables: tuple) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".bashlex-")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _import_with_cached_tables():
    spec = importlib.util.find_spec("bashlex")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("bashlex is not installed")
    # The package without its __init__ (which builds the parser), so that bashlex.yacc can
    # be loaded and its table builder wrapped first.
    folder = spec.submodule_search_locations[0]
    package = importlib.util.module_from_spec(spec)
    sys.modules["bashlex"] = package
    yacc = importlib.import_module("bashlex.yacc")
    original = yacc.LRTable

    class CachedLRTable(original):  # type: ignore[misc, valid-type]
        def __init__(self, grammar, log=None):
            path = os.path.join(cache_dir(), f"bashlex-tables-{_key(grammar, folder)}.pickle")
            try:
                with open(path, "rb") as fh:
                    action, goto = pickle.load(fh)
            except Exception:  # no cache yet, or an unreadable one: build and store
                super().__init__(grammar, log)
                try:
                    _save(path, (self.lr_action, self.lr_goto))
                except OSError:
                    pass
                return
            # What LRTable.__init__ sets, with the tables read instead of computed.
            self.grammar = grammar
            self.log = log or yacc.NullLogger()
            self.lr_action, self.lr_goto = action, goto
            self.lr_productions = grammar.Productions
            self.lr_goto_cache, self.lr0_cidhash, self._add_count = {}, {}, 0
            self.sr_conflict = self.rr_conflict = 0
            self.conflicts, self.sr_conflicts, self.rr_conflicts = [], [], []

    yacc.LRTable = CachedLRTable
    try:
        spec.loader.exec_module(package)  # bashlex/__init__.py: builds the parser
    finally:
        yacc.LRTable = original
    return package


def import_bashlex():
    """The bashlex module, imported with cached parser tables when possible."""
    if "bashlex" in sys.modules and hasattr(sys.modules["bashlex"], "parse"):
        return sys.modules["bashlex"]
    try:
        return _import_with_cached_tables()
    except Exception:
        for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
            del sys.modules[name]
        import bashlex

        return bashlex
