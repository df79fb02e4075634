"""Check 5, Node: every entry of the app's package.json `dependencies` resolves from the
app folder with `require.resolve` in AFTER (run by the image's own node), and the CLIs the
command names (`npx NAME`, the first word of an `npm start` / `npm run NAME` / `yarn NAME`
script) exist in node_modules/.bin or on PATH."""

from __future__ import annotations

import json
import posixpath

from slimmer.verify.fs import which
from slimmer.verify.model import Check, Side, programs, shell_words

RESOLVE_SCRIPT = r"""
const deps = JSON.parse(process.argv[1]); const dir = process.argv[2]; const out = {};
for (const d of deps) {
  try { out[d] = require.resolve(d + '/package.json', {paths: [dir]}); }
  catch (e) {
    try { out[d] = require.resolve(d, {paths: [dir]}); }
    catch (e2) { out[d] = null; }
  }
}
process.stdout.write('\nSLIMMER-RESOLVE ' + JSON.stringify(out) + '\n');
"""


def app_package(side: Side) -> tuple[str, dict] | None:
    """(folder, package.json) of the app: the WORKDIR's, else the folder of a script the
    command names."""
    folders = [side.workdir]
    for word in side.argv:
        if word.endswith((".js", ".mjs", ".cjs")):
            full = word if word.startswith("/") else posixpath.join(side.workdir, word)
            folders.append(posixpath.dirname(full))
    for folder in folders:
        text = side.fs.read_text(posixpath.join(folder, "package.json"))
        if text is not None:
            try:
                return folder, json.loads(text)
            except ValueError:
                continue
    return None


def named_clis(side: Side, pkg: dict) -> list[str]:
    """CLIs the command relies on: `npx NAME`, or the first word of the npm/yarn script it runs."""
    words = side.argv
    progs = programs(words)
    if not progs:
        return []
    if len(progs) > 1:  # sh -c "npm start": look at the script's words
        words = shell_words(words[2])
        while words and "=" in words[0]:
            words = words[1:]
    if not words:
        return []
    base = words[0].rsplit("/", 1)[-1]
    script = None
    if base == "npx" and len(words) > 1:
        return [w for w in words[1:] if not w.startswith("-")][:1]
    if base in ("npm", "pnpm") and len(words) > 1:
        script = "start" if words[1] == "start" else words[2] if words[1] in ("run", "run-script") and len(words) > 2 else None
    elif base == "yarn":
        script = words[1] if len(words) > 1 and words[1] != "run" else words[2] if len(words) > 2 else "start"
    if script is None:
        return []
    body = (pkg.get("scripts") or {}).get(script)
    if not body:
        return []
    first = [w for w in shell_words(body) if "=" not in w][:1]
    return [w for w in first if w not in ("node", "cd", "exec")]


def cli_exists(side: Side, folder: str, name: str) -> str | None:
    current = folder
    while True:
        candidate = posixpath.join(current, "node_modules", ".bin", name)
        if side.fs.is_file(candidate):
            return candidate
        if current in ("/", ""):
            break
        current = posixpath.dirname(current)
    found, _ = which(side.fs, name, side.path_var, side.workdir, side.ids)
    return found


def resolve_deps(engine, side: Side, folder: str, deps: list[str], labels: dict[str, str]) -> dict[str, str | None] | str:
    from slimmer.verify.run import run

    node, _ = which(side.fs, "node", side.path_var, side.workdir, None)
    if node is None:
        node, _ = which(side.fs, "nodejs", side.path_var, side.workdir, None)
    if node is None:
        return "no node on PATH"
    ran = run(engine, side.image, ["-e", RESOLVE_SCRIPT, json.dumps(deps), folder], labels, entrypoint=[node],
              user=side.config.get("User") or None, workdir=side.workdir, timeout=60)
    for line in ran.stdout.splitlines():
        if line.startswith("SLIMMER-RESOLVE "):
            return json.loads(line[len("SLIMMER-RESOLVE "):])
    return f"{node} exited {ran.exit_code}: {ran.stderr.strip()[-300:]}"


def check_node(engine, before: Side, after: Side, labels: dict[str, str], pool=None) -> Check:
    found = app_package(before) or app_package(after)
    if found is None:
        return Check("node", True, "no package.json in the app folder")
    folder, pkg = found
    deps = sorted((pkg.get("dependencies") or {}).keys())
    problems: list[str] = []
    details: list[str] = []
    if deps:
        if pool is not None:
            fb, fa = pool.submit(resolve_deps, engine, before, folder, deps, labels), pool.submit(resolve_deps, engine, after, folder, deps, labels)
            rb, ra = fb.result(), fa.result()
        else:
            rb, ra = resolve_deps(engine, before, folder, deps, labels), resolve_deps(engine, after, folder, deps, labels)
        if isinstance(ra, str):
            problems.append(f"require.resolve could not run in AFTER: {ra}")
        else:
            for d in deps:
                hit_b = rb.get(d) if isinstance(rb, dict) else None
                if ra.get(d):
                    details.append(f"{d} -> {ra[d]}")
                elif hit_b or isinstance(rb, str):
                    problems.append(f"dependency {d} (package.json `dependencies`) does not resolve from {folder} in AFTER" + (f"; BEFORE has {hit_b}" if hit_b else ""))
                else:
                    details.append(f"{d} does not resolve in BEFORE either")
    after_pkg = app_package(after)
    for cli in named_clis(after, after_pkg[1] if after_pkg else pkg):
        hit = cli_exists(after, folder, cli)
        if hit:
            details.append(f"CLI {cli} -> {hit}")
        elif cli_exists(before, folder, cli):
            problems.append(f"CLI {cli} that the command runs is missing in AFTER (BEFORE has {cli_exists(before, folder, cli)})")
    details = [f"failed: {p}" for p in problems] + details
    summary = "; ".join(problems[:3]) if problems else f"{len(deps)} dependenc{'y' if len(deps) == 1 else 'ies'} of {folder}/package.json resolve in AFTER"
    return Check("node", not problems, summary, details, {"problems": problems})
