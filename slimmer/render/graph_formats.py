"""The stage graph as text, JSON, Mermaid (GitHub draws it) or Graphviz dot."""

from __future__ import annotations

import json

from slimmer.model.graph import Edge, StageGraph


def _stage_title(graph: StageGraph, index: int) -> str:
    stage = graph.dockerfile.stages[index]
    return f"{index}: {stage.name}" if stage.name else str(index)


def _image_ids(graph: StageGraph) -> dict[str, str]:
    ids: dict[str, str] = {}
    for e in graph.edges:
        if isinstance(e.source, str) and e.source not in ids:
            ids[e.source] = f"img{len(ids)}"
    return ids


def to_json(graph: StageGraph) -> str:
    return json.dumps(graph.to_json(), indent=2)


def to_text(graph: StageGraph) -> str:
    df = graph.dockerfile
    lines = [f"{df.path}: {len(df.stages)} stage(s), target {_stage_title(graph, graph.target)}"]
    for stage in df.stages:
        index = stage.index
        marks = []
        if index == graph.target:
            marks.append("target")
        if index not in graph.reaching:
            marks.append("unused")
        mark = f"  [{', '.join(marks)}]" if marks else ""
        lines.append(f"  stage {_stage_title(graph, index)} (line {stage.line}){mark}")
        for e in graph.edges:
            if e.target == index:
                src = _stage_title(graph, e.source) if isinstance(e.source, int) else e.source
                lines.append(f"    <- {e.kind:5} {src}  (line {e.line})")
        if stage.image is not None and stage.image.is_scratch:
            lines.append("    <- from  scratch (empty)")
    return "\n".join(lines)


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(graph: StageGraph) -> str:
    df = graph.dockerfile
    images = _image_ids(graph)
    out = ["flowchart LR"]
    for ref, node_id in images.items():
        out.append(f'  {node_id}[("{_mermaid_label(ref)}")]:::image')
    for stage in df.stages:
        label = _mermaid_label(f"{_stage_title(graph, stage.index)}<br/>line {stage.line}")
        out.append(f'  s{stage.index}["{label}"]')
    for e in graph.edges:
        src = f"s{e.source}" if isinstance(e.source, int) else images[e.source]
        out.append(f'  {src} -- "{e.kind} L{e.line}" --> s{e.target}')
    out.append("  classDef image fill:#eef,stroke:#88a")
    out.append("  classDef target stroke-width:3px")
    out.append("  classDef unused stroke-dasharray:5 5,color:#888")
    out.append(f"  class s{graph.target} target")
    if graph.unused:
        out.append("  class " + ",".join(f"s{i}" for i in graph.unused) + " unused")
    return "\n".join(out)


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: StageGraph) -> str:
    df = graph.dockerfile
    images = _image_ids(graph)
    out = ["digraph stages {", "  rankdir=LR;"]
    for ref, node_id in images.items():
        out.append(f"  {node_id} [label={_dot_quote(ref)}, shape=cylinder];")
    for stage in df.stages:
        attrs = [f"label={_dot_quote(_stage_title(graph, stage.index) + f' (line {stage.line})')}", "shape=box"]
        if stage.index == graph.target:
            attrs.append("penwidth=3")
        if stage.index not in graph.reaching:
            attrs.append("style=dashed")
        out.append(f"  s{stage.index} [{', '.join(attrs)}];")
    for e in graph.edges:
        src = f"s{e.source}" if isinstance(e.source, int) else images[e.source]
        out.append(f"  {src} -> s{e.target} [label={_dot_quote(f'{e.kind} L{e.line}')}];")
    out.append("}")
    return "\n".join(out)


FORMATS = {"text": to_text, "json": to_json, "mermaid": to_mermaid, "dot": to_dot}


def render(graph: StageGraph, fmt: str) -> str:
    return FORMATS[fmt](graph)


__all__ = ["render", "FORMATS", "Edge"]
