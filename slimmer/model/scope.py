"""Variable scopes shared, not copied: every instruction sees the ARG/ENV values known
before it, and a stage of N instructions must not hold N copies of a growing dict (10,000
ENV lines took 1.3 GB that way). A ScopeStore keeps, per name, the values it took and at
which version; a Scope is a read-only view of the store at one version, made in O(1) and
looked up in O(log n)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping


class ScopeStore:
    __slots__ = ("names", "version")

    def __init__(self) -> None:
        self.names: dict[str, tuple[list[int], list]] = {}
        self.version = 0

    def set(self, name: str, value) -> None:
        self.version += 1
        versions, values = self.names.setdefault(name, ([], []))
        versions.append(self.version)
        values.append(value)

    def snapshot(self) -> Scope:
        return Scope(self, self.version)


class Scope(Mapping):
    """The variables of a store as they were at one version (a read-only mapping)."""

    __slots__ = ("_store", "_version")

    def __init__(self, store: ScopeStore, version: int):
        self._store = store
        self._version = version

    def __getitem__(self, name: str):
        entry = self._store.names.get(name)
        if entry is not None:
            i = bisect_right(entry[0], self._version)
            if i:
                return entry[1][i - 1]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        entry = self._store.names.get(name)  # type: ignore[call-overload]
        return entry is not None and entry[0][0] <= self._version

    def __iter__(self):
        version = self._version
        for name, (versions, _) in list(self._store.names.items()):
            if versions[0] <= version:
                yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __or__(self, other):
        merged = dict(self)
        merged.update(other)
        return merged

    def __ror__(self, other):
        merged = dict(other)
        merged.update(self)
        return merged

    def __repr__(self) -> str:
        return f"Scope({dict(self)!r})"
