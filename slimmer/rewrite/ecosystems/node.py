"""Node: the install and the build in the builder, a `production` stage that prunes the
devDependencies (unless the app or its start script needs one), and the app folder copied
whole into the runtime; global CLIs the container runs are installed there too."""

from __future__ import annotations

import re

from slimmer.rewrite.classify import Kind, Step
from slimmer.rewrite.facts import app_sources, instruction_words
from slimmer.rewrite.plan_types import Change, Piece, Refuse, under
from slimmer.rules import data

NAME = "node"
BASE_REPOSITORIES = {"node"}
NODE_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc")
SOURCE_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")


def detect_tools(tools: set[str], facts) -> bool:
    return bool(tools & {"npm", "yarn", "pnpm"})


class Node:
    def node_app_dir(self) -> str:
        app = self.facts.app_dir
        if app in (None, "/"):
            raise Refuse("no WORKDIR: the app's files would be mixed with the base image's in /, so slimmer cannot copy them apart")
        return app

    def builder_node(self) -> list[Piece]:
        out = self.builder_header()
        app = self.node_app_dir()
        moved = (Kind.DEPENDENCIES, Kind.BUILD, Kind.COPY_CONTEXT)
        last = max((i for i, s in enumerate(self.steps) if s.kind in moved), default=-1)
        first_install = next((i for i, s in enumerate(self.steps) if s.kind == Kind.DEPENDENCIES and not s.global_cli), None)
        manifests_done = False
        pending_copies: list[Step] = []
        for i, step in enumerate(self.steps[: last + 1]):
            if self.env_like(step) or step.kind == Kind.OS_PACKAGES:
                out += self.keep(step.ins)
            elif step.kind == Kind.COPY_CONTEXT:
                whole = self.copy_is_whole_context(step) and self.facts.copy_destination(i) == self.workdir_at(first_install or 0)
                if first_install is not None and i < first_install and whole and not self.skipped("order"):
                    pending_copies.append(step)  # after the install
                else:
                    out += self.keep(step.ins)
            elif step.kind == Kind.DEPENDENCIES:
                if not manifests_done and pending_copies and not step.global_cli:
                    files = [f for f in ("package.json",) + NODE_LOCKFILES if self.context_has(f)]
                    if "package.json" not in files:
                        # No manifest in the context (`npm init` makes one): copy as written.
                        for c in pending_copies:
                            out += self.keep(c.ins)
                        pending_copies = []
                    else:
                        out += self.manifest_copies(files)
                    manifests_done = True
                out += self.keep_with_mounts(step, "/root/.npm")
                if not step.global_cli:
                    for c in pending_copies:
                        out += self.keep(c.ins)
                    pending_copies = []
            elif step.kind == Kind.BUILD:
                out += self.keep(step.ins)
        for c in pending_copies:
            out += self.keep(c.ins)
        # Every file the original copies must reach the runtime: through the app folder,
        # or by its own COPY there.
        self.outside_app = [i for i, s in enumerate(self.steps) if s.kind == Kind.COPY_CONTEXT
                            and not under(self.facts.copy_destination(i) or "", app)]
        for i in self.outside_app:
            if self.facts.copy_destination(i) is None:
                raise Refuse(f"line {self.steps[i].ins.line} copies to a path slimmer cannot resolve")
        return out

    def node_tool(self) -> str:
        tools = {t for s in self.install_steps() for t in s.tools}
        return "yarn" if "yarn" in tools else "pnpm" if "pnpm" in tools else "npm"

    def node_prune(self) -> bool:
        """Whether a `production` stage removes devDependencies: not when there are none,
        nor when the app's own sources require one at run time."""
        if self.skipped("prod-deps"):
            return False
        manifest = self.facts.package_json
        dev = manifest.get("devDependencies") if manifest else None
        if not isinstance(dev, dict) or not dev:
            return False
        for step in self.install_steps():
            for cmd in step.commands:
                if cmd.has_option("--production", "--prod") or any(
                    a.replace("=", " ").split()[-1:] in (["dev"], ["production"], ["prod"]) and a.startswith(("--omit", "--only"))
                    for a in cmd.args
                ) or "--omit" in cmd.args or dict(cmd.assignments).get("NODE_ENV") == "production":
                    return False  # the install leaves devDependencies out already
        if step_env := self.stage.instructions[-1].scope.get("NODE_ENV"):
            if step_env == "production":
                return False
        script = self.start_script_dev_tool(manifest, set(dev))
        if script:
            self.notes.append(Change("prod-deps", None, f"devDependencies kept: the container's command runs `{script[0]}` from {script[1]}, a devDependency"))
            return False
        used = self.dev_dependencies_required(set(dev))
        if used:
            file, name = used
            self.notes.append(Change("prod-deps", None, f"devDependencies kept: {file} requires `{name}`, a devDependency, at run time"))
            return False
        return True

    def start_script_dev_tool(self, manifest: dict, dev: set[str]) -> tuple[str, str] | None:
        """(program, package) when CMD/ENTRYPOINT runs a package.json script, or a program,
        that a devDependency provides (`npm start` -> `nodemon server.js`)."""
        scripts = manifest.get("scripts") if isinstance(manifest.get("scripts"), dict) else {}
        bins = data("node_tooling").get("bin_packages", {})
        for ins in self.stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT"):
                continue
            words = instruction_words(ins)
            programs = [words[0].rsplit("/", 1)[-1]] if words else []
            if words[:1] and words[0] in ("npm", "yarn", "pnpm"):
                rest = [w for w in words[1:] if not w.startswith("-")]
                name = rest[1] if rest[:1] == ["run"] and len(rest) > 1 else (rest[0] if rest else "start")
                body = scripts.get(name)
                programs = [w for w in re.split(r"\s*(?:&&|\|\||;)\s*", str(body or "")) if w]
                programs = [p.split()[0] for p in programs if p.split()]
            if words[:1] == ["npx"] and len(words) > 1:
                programs = [words[1]]
            for program in programs:
                package = bins.get(program, program)
                if package in dev:
                    return program, package
        return None

    def dev_dependencies_required(self, dev: set[str]) -> tuple[str, str] | None:
        pattern = re.compile(r"""(?:require\s*\(\s*|import\s*\(\s*|\bfrom\s+|^\s*import\s+)['"]([^'"./][^'"]*)['"]""", re.M)
        skip = re.compile(r"\.(test|spec)\.|\.config\.|^\.?eslint|^jest|^webpack|^vite|^rollup|^babel|^tsconfig")
        for rel, text in app_sources(self.ctx.context_dir, lambda name: name.endswith(SOURCE_EXTENSIONS) and not skip.search(name)):
            text = text[: 512 * 1024]
            for m in pattern.finditer(text):
                spec = m.group(1)
                if spec.startswith("node:"):
                    continue
                parts = spec.split("/")
                pkg = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
                if pkg in dev and not pkg.startswith("@types/") and not re.search(r"import\s+type\b", text[max(0, m.start() - 20): m.end()]):
                    return rel, pkg
        return None

    def prune_stage(self) -> list[Piece]:
        tool = self.node_tool()
        command = {
            "npm": "npm prune --omit=dev",
            "yarn": "yarn install --production --frozen-lockfile --ignore-scripts && yarn cache clean",
            "pnpm": "pnpm prune --prod",
        }[tool]
        self.change("prod-deps", f"devDependencies are removed before the runtime copies node_modules ({command})")
        self.dropped.append("devDependencies")
        return [
            self.new(""),
            self.new("# slimmer: production dependencies only"),
            self.new(f"FROM {self.builder} AS {self.production}"),
            self.new(f"RUN {command}"),
        ]

    def runtime_node(self, base: str, prune: bool) -> list[Piece]:
        out = self.runtime_header(base, "the slim base, production node_modules and the build output")
        source = self.production if prune else self.builder
        app = self.node_app_dir()
        copied = False
        for step in self.runtime_order():
            index = self.steps.index(step)
            if step.kind == Kind.COPY_CONTEXT:
                if not copied and index not in self.outside_app:
                    out.append(self.new(f"COPY --from={source} {app} {app}"))
                    self.change("split", f"the app folder {app} (sources, build output, node_modules) comes from the `{source}` stage", step.ins.line)
                    copied = True
                if index in self.outside_app:
                    out += self.keep(step.ins)  # outside the app folder: copied as written
                continue
            out += self.runtime_step(step)
        return out
