"""Go: `go build` in the builder with CGO_ENABLED=0, and only the binary (plus the context's
files that are not Go sources, which the binary may read) in a distroless or slim runtime."""

from __future__ import annotations

import os
import posixpath
import re

from slimmer.rewrite.classify import Kind
from slimmer.rewrite.plan_types import Piece, Refuse

NAME = "go"
BASE_REPOSITORIES = {"golang"}
# Files of a Go context that a binary does not read at run time.
GO_SOURCE = re.compile(r"(\.go|^go\.(mod|sum|work)|\.md|^LICENSE.*|^Dockerfile.*|^\.dockerignore|^\.gitignore|^Makefile|^(docker-)?compose.*\.ya?ml)$", re.I)


def detect_tools(tools: set[str], facts) -> bool:
    return "go" in tools


class Go:
    def builder_go(self) -> list[Piece]:
        out = self.builder_header()
        builds = [s for s in self.steps if s.kind == Kind.BUILD]
        for step in builds:
            if not step.outputs and any(c.name == "go" and c.subcommand == "build" and not c.words[1:] or c.words[1:] == (".",) for c in step.commands):
                module = self.go_module()
                if module:
                    step.outputs.append(module.rsplit("/", 1)[-1])  # go build names it after the module
        if not builds or not any(s.outputs for s in builds):
            raise Refuse("no `go build -o PATH`: slimmer cannot tell which binary to ship")
        last_build = self.steps.index(builds[-1])
        for step in self.steps[: last_build + 1]:
            if self.env_like(step) or step.kind in (Kind.OS_PACKAGES, Kind.COPY_CONTEXT, Kind.DEPENDENCIES):
                out += self.keep(step.ins)
            elif step.kind == Kind.BUILD:
                if "CGO_ENABLED" not in step.ins.scope and not any("CGO_ENABLED" in dict(c.assignments) for c in step.commands):
                    out.append(self.new("ENV CGO_ENABLED=0"))
                    self.change("split", "CGO_ENABLED=0 builds a static binary that runs without libc", step.ins.line)
                out += self.keep(step.ins)
        self.dropped.append("the Go toolchain")
        return out

    def go_module(self) -> str | None:
        try:
            with open(self.facts.context_path("go.mod"), encoding="utf-8") as fh:
                m = re.search(r"^module\s+(\S+)", fh.read(), re.M)
        except OSError:
            return None
        return m.group(1).strip('"') if m else None

    def go_binaries(self) -> list[str]:
        binaries = []
        for index, step in enumerate(self.steps):
            workdir = self.workdir_at(index)
            for out in step.outputs:
                out = self.steps[index].ins.expand(out)
                if not out.startswith("/") and workdir is None or "$" in out:
                    raise Refuse(f"line {step.ins.line} writes its binary to a path slimmer cannot resolve")
                binaries.append(out if out.startswith("/") else posixpath.normpath(posixpath.join(workdir or "/", out)))
        return binaries

    def go_assets(self) -> list[str] | None:
        """The context's top-level entries holding files a Go binary may read at run time
        (templates, static files, config): [] when there are none, None when too many to
        name one by one."""
        entries: list[str] = []
        root = self.ctx.context_dir
        walked = 0
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("vendor", "docs", "testdata"))
            for name in sorted(files):
                walked += 1
                if walked > 5000:
                    return None
                if not GO_SOURCE.search(name) and not name.startswith("."):
                    top = os.path.relpath(os.path.join(folder, name), root).split(os.sep, 1)[0]
                    if top not in entries:
                        entries.append(top)
                        if len(entries) > 12:
                            return None
        return entries

    def asset_folder(self) -> str | None:
        """Where the whole-context COPY put the context (the assets are there)."""
        for i, step in enumerate(self.steps):
            if step.kind == Kind.COPY_CONTEXT and self.copy_is_whole_context(step):
                return self.facts.copy_destination(i)
        return None

    def runtime_go(self, base: str, prune: bool = False) -> list[Piece]:
        out = self.runtime_header(base, "just the static binary")
        copied = False
        assets = self.go_assets()
        folder = self.asset_folder()
        if assets and folder is None:
            # Only named files were copied: those COPYs say which the binary may read.
            assets = []
        for index, step in enumerate(self.steps):
            if step.kind in (Kind.COPY_CONTEXT, Kind.DEPENDENCIES, Kind.BUILD):
                if step.kind == Kind.BUILD and not copied:
                    if assets is None:
                        raise Refuse("the context has too many files besides the Go sources to tell which the binary reads at run time")
                    for entry in assets:
                        path = posixpath.join(folder, entry)
                        out.append(self.new(f"COPY --from={self.builder} {path} {path}"))
                        self.change("split", f"{path} ships too: a file the binary may read at run time, not a Go source", step.ins.line)
                    for binary in self.go_binaries():
                        out.append(self.new(f"COPY --from={self.builder} {binary} {binary}"))
                        self.change("split", f"only the binary {binary} ships", step.ins.line)
                    copied = True
                continue
            if step.kind == Kind.COPY_CONTEXT and folder is None:
                continue
            if step.kind == Kind.OS_PACKAGES and base.startswith("gcr.io/distroless"):
                continue
            out += self.runtime_step(step)
        return out
