"""What an image is made of: size, layers, wasted bytes, the app's file tree, and whether
a smoke command runs in it."""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field

CONFIG_KEYS = ("Entrypoint", "Cmd", "Env", "User", "WorkingDir", "ExposedPorts", "Volumes", "Labels", "Healthcheck", "StopSignal")


@dataclass
class Layer:
    size: int
    created_by: str


@dataclass
class FileEntry:
    size: int
    mode: int
    kind: str  # "file", "dir", "link"


@dataclass
class Contents:
    wasted_bytes: int  # bytes of file versions a later layer overwrites or deletes
    layer_bytes: int  # all bytes in all layers
    tree: dict[str, FileEntry] = field(default_factory=dict)  # the final filesystem

    @property
    def efficiency(self) -> float:
        return 1.0 if self.layer_bytes == 0 else 1 - self.wasted_bytes / self.layer_bytes


def inspect(engine, tag: str) -> dict:
    image = engine.images.get(tag)
    attrs = image.attrs
    history = image.history()
    layers = [Layer(h.get("Size", 0), (h.get("CreatedBy") or "").strip()) for h in reversed(history)]
    return {
        "id": attrs["Id"],
        "size": attrs["Size"],
        "layers": len(attrs.get("RootFS", {}).get("Layers", [])),
        "history": layers,
        "config": {k: attrs.get("Config", {}).get(k) for k in CONFIG_KEYS},
    }


def _apply_layer(tree: dict[str, tuple[int, int, str, int]], layer: tarfile.TarFile, index: int) -> int:
    """Apply one layer tar to the tree {path: (size, mode, kind, layer index)}; returns the
    bytes this layer shadowed (earlier versions it overwrote or deleted)."""
    shadowed = 0
    members = layer.getmembers()

    def path_of(member: tarfile.TarInfo) -> str:
        name = member.name[2:] if member.name.startswith("./") else member.name
        return "/" + name.strip("/")

    # Opaque directories and whiteouts delete what lower layers had.
    for m in members:
        name = path_of(m)
        base = os.path.basename(name)
        parent = os.path.dirname(name)
        if base == ".wh..wh..opq":
            for path in [p for p in tree if p.startswith(parent.rstrip("/") + "/")]:
                shadowed += tree.pop(path)[0]
        elif base.startswith(".wh."):
            target = os.path.join(parent, base[4:])
            for path in [p for p in tree if p == target or p.startswith(target + "/")]:
                shadowed += tree.pop(path)[0]
    for m in members:
        name = path_of(m)
        if os.path.basename(name).startswith(".wh."):
            continue
        if name in tree and tree[name][2] == "file":
            shadowed += tree[name][0]
        kind = "dir" if m.isdir() else "link" if (m.issym() or m.islnk()) else "file"
        tree[name] = (m.size if kind == "file" else 0, m.mode, kind, index)
    return shadowed


def contents(engine, tag: str) -> Contents:
    """Walk the saved image (`docker save`) layer by layer, as dive does, counting each
    shadowed file version once (dive counts the surviving copy too, dive#684)."""
    image = engine.images.get(tag)
    with tempfile.TemporaryFile() as buf:
        for chunk in image.save(named=False):
            buf.write(chunk)
        buf.seek(0)
        with tarfile.open(fileobj=buf) as outer:
            manifest = json.load(outer.extractfile("manifest.json"))  # type: ignore[arg-type]
            tree: dict[str, tuple[int, int, str, int]] = {}
            wasted = 0
            total = 0
            for index, layer_name in enumerate(manifest[0]["Layers"]):
                data = outer.extractfile(layer_name)
                assert data is not None
                with tarfile.open(fileobj=io.BytesIO(data.read())) as layer:
                    total += sum(m.size for m in layer.getmembers() if m.isfile())
                    wasted += _apply_layer(tree, layer, index)
    final = {path: FileEntry(size, mode, kind) for path, (size, mode, kind, _) in tree.items()}
    return Contents(wasted, total, final)


def app_tree(tree: dict[str, FileEntry], workdir: str | None) -> dict[str, FileEntry]:
    """The files under WORKDIR (the application), relative to it."""
    root = (workdir or "/").rstrip("/")
    if root in ("", "/"):
        return {}
    prefix = root + "/"
    return {p[len(prefix):]: e for p, e in tree.items() if p.startswith(prefix)}


@dataclass
class SmokeResult:
    ok: bool
    exit_code: int | None
    output: str
    seconds: float


def smoke(engine, tag: str, entrypoint: list[str] | None, command: list[str], expect: str | None, run_id: str, label: str, timeout: float = 120) -> SmokeResult:
    """Run the command in the image, with no network; entrypoint None keeps the image's."""
    import time

    start = time.perf_counter()
    container = engine.containers.create(
        tag, entrypoint=entrypoint, command=command, labels={label: run_id}, network_disabled=True
    )
    try:
        container.start()
        try:
            status = container.wait(timeout=timeout)
            code = status.get("StatusCode")
        except Exception:
            container.kill()
            code = None
        output = container.logs(stdout=True, stderr=True).decode(errors="replace")
    finally:
        try:
            container.remove(force=True)
        except Exception:
            pass
    ok = code == 0 and (expect is None or expect in output)
    return SmokeResult(ok, code, output[-2000:], time.perf_counter() - start)
