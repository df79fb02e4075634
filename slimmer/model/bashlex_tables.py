"""Import bashlex with its parser tables read from a cache.

bashlex builds its LALR tables with a bundled copy of PLY on every import, ~80 ms, because
that copy no longer reads PLY's usual parsetab cache. slimmer runs as a pre-commit hook, so
it keeps the computed tables in the user's cache folder, as PLY itself would, keyed by the
installed bashlex files, the Python version and the grammar. The tables are plain dicts of the
parser's states; any problem (a new bashlex, an unreadable cache) falls back to the plain
import, which builds them as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

from slimmer import cache
from slimmer.cache import files_fingerprint, fingerprint


def _key(grammar, folder: str) -> str:
    """The grammar itself, plus the installed parser's files (size and mtime), plus Python."""
    text = "\n".join(str(p) for p in grammar.Productions) + repr(sorted(grammar.Precedence.items()))
    files = files_fingerprint([os.path.join(folder, "parser.py"), os.path.join(folder, "yacc.py")])
    return f"py{sys.version_info[0]}{sys.version_info[1]}-{fingerprint(text)}-{files}"


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
            name = f"bashlex-tables-{_key(grammar, folder)}.marshal"
            cached = cache.load(name)
            if not (isinstance(cached, tuple) and len(cached) == 2):  # none yet, or unreadable
                super().__init__(grammar, log)
                cache.store(name, (self.lr_action, self.lr_goto), replaces="bashlex-tables-")
                return
            action, goto = cached
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
