"""The stage dependency graph: which stage needs which stage or external image.

Resolution follows BuildKit: FROM may name only a stage defined above it (any other
name is an image); COPY --from and RUN --mount=from= name a stage by name (any case)
or index. A cycle is an error, and so is --from naming a stage defined further down
(BuildKit rejects it since 0.13); cycles are reported first, as they say more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from slimmer.errors import DockerfileError
from slimmer.model.nodes import Dockerfile, Instruction

if TYPE_CHECKING:
    import networkx as nx

Source = Union[int, str]  # a stage index or an external image reference


@dataclass(frozen=True)
class Edge:
    source: Source
    target: int
    kind: str  # "from", "copy" or "mount"
    line: int

    def to_json(self) -> dict[str, object]:
        return {"from": self.source, "to": self.target, "kind": self.kind, "line": self.line}


@dataclass
class StageGraph:
    dockerfile: Dockerfile
    edges: list[Edge]
    target: int
    reaching: set[int]  # stages the target needs, the target included
    _nx: nx.DiGraph | None = field(default=None, repr=False)

    @property
    def unused(self) -> list[int]:
        return [s.index for s in self.dockerfile.stages if s.index not in self.reaching]

    def reaches_target(self, stage_index: int) -> bool:
        return stage_index in self.reaching

    @property
    def nx(self) -> nx.DiGraph:
        """The graph as a networkx DiGraph: nodes ("stage", i) and ("image", ref)."""
        if self._nx is None:
            self._nx = _to_networkx(self.dockerfile, self.edges)
        return self._nx

    def to_json(self) -> dict[str, object]:
        return {
            "stages": [
                {
                    "index": s.index,
                    "name": s.name,
                    "base": s.base,
                    "line": s.line,
                    "platform": s.platform,
                    "image": s.image.to_json() if s.image else None,
                }
                for s in self.dockerfile.stages
            ],
            "edges": [e.to_json() for e in self.edges],
            "target": self.target,
            "unused": self.unused,
        }


def _node(source: Source) -> tuple[str, Source]:
    return ("stage", source) if isinstance(source, int) else ("image", source)


def _to_networkx(df: Dockerfile, edges: list[Edge]) -> nx.DiGraph:
    import networkx as nx  # imported only by commands that need graph algorithms

    graph = nx.DiGraph()
    for s in df.stages:
        graph.add_node(("stage", s.index), name=s.name, base=s.base, line=s.line)
    for e in edges:
        a, b = _node(e.source), ("stage", e.target)
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, refs=[])
        graph.edges[a, b]["refs"].append((e.kind, e.line))
    return graph


def resolve_source(df: Dockerfile, ins: Instruction, ref: str) -> Source:
    """A --from value as a stage index or an image reference."""
    ref = ins.expand(ref) if "$" in ref else ref
    if ref.isascii() and ref.isdigit():  # not `²`, which str.isdigit() accepts
        index = int(ref)
        if index >= len(df.stages):
            raise DockerfileError(
                f"stage index {index} out of range: the file has {len(df.stages)} stage(s)", df.path, ins.line
            )
        return index
    stage = df.stage(ref)
    return stage.index if stage is not None else ref


def dependencies(df: Dockerfile) -> list[Edge]:
    edges: list[Edge] = []
    for stage in df.stages:
        if stage.base_stage is not None:
            edges.append(Edge(stage.base_stage, stage.index, "from", stage.line))
        elif stage.image is not None and not stage.image.is_scratch:
            edges.append(Edge(stage.base, stage.index, "from", stage.line))
        for ins in stage.instructions:
            if ins.keyword == "COPY" and ins.flag("from") is not None:
                edges.append(Edge(resolve_source(df, ins, ins.flag("from") or ""), stage.index, "copy", ins.line))
            elif ins.keyword == "RUN":
                for mount in ins.mounts:
                    if mount.get("from"):
                        edges.append(Edge(resolve_source(df, ins, mount["from"]), stage.index, "mount", ins.line))
    return edges


def _check_cycles(df: Dockerfile, edges: list[Edge]) -> None:
    needs: dict[int, list[Edge]] = {s.index: [] for s in df.stages}
    for e in edges:
        if isinstance(e.source, int):
            needs[e.target].append(e)
    # Depth-first search over stage edges; a back edge closes a cycle.
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done

    def visit(index: int, path: list[Edge]) -> None:
        state[index] = 1
        for e in needs[index]:
            dep = e.source
            assert isinstance(dep, int)
            if state.get(dep) == 1:
                cycle = [e] + path
                names = " -> ".join(df.stages[x.target].label for x in reversed(cycle))
                raise DockerfileError(
                    f"circular dependency between stages: {names} -> {df.stages[dep].label}",
                    df.path,
                    e.line,
                )
            if dep not in state:
                visit(dep, [e] + path)
        state[index] = 2

    for s in df.stages:
        if s.index not in state:
            visit(s.index, [])


def _check_forward_references(df: Dockerfile, edges: list[Edge]) -> None:
    # BuildKit >= 0.13 (Dockerfile 1.7) rejects --from naming a stage defined below.
    for e in edges:
        if isinstance(e.source, int) and e.source > e.target:
            later, here = df.stages[e.source], df.stages[e.target]
            raise DockerfileError(
                f"stage {later.label!r} (line {later.line}) is defined after stage {here.label!r}: "
                "--from must name a stage defined above it",
                df.path,
                e.line,
            )


def build_graph(df: Dockerfile, target: str | None = None) -> StageGraph:
    edges = dependencies(df)
    _check_cycles(df, edges)
    _check_forward_references(df, edges)
    if target is None:
        target_index = df.stages[-1].index
    else:
        stage = df.stage(target)
        if stage is None:
            names = ", ".join(s.label for s in df.stages)
            raise DockerfileError(f"target stage {target!r} not found (stages: {names})", df.path)
        target_index = stage.index
    needs: dict[int, set[int]] = {s.index: set() for s in df.stages}
    for e in edges:
        if isinstance(e.source, int):
            needs[e.target].add(e.source)
    reaching, todo = {target_index}, [target_index]
    while todo:
        for dep in needs[todo.pop()]:
            if dep not in reaching:
                reaching.add(dep)
                todo.append(dep)
    return StageGraph(df, edges, target_index, reaching)
