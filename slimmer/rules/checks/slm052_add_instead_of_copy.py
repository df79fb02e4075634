"""SLM052: ADD where COPY (local files) or RUN curl (remote archives) would do."""

from __future__ import annotations

import os

from slimmer.rules import rule
from slimmer.rules.facts_layers import GLOB, copy_parts, has_extension, is_git_source, is_url, layers_data

ADD_ONLY_FLAGS = ("checksum", "keep-git-dir", "unpack")
# Magic numbers of the formats ADD unpacks: gzip, bzip2, xz, zstd (tar itself is checked at 257).
_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")


def _sniffed_archive(ctx, source: str) -> bool:
    """True when the file exists in the build context and is an archive ADD would unpack."""
    from slimmer.rules.context_files import read_bytes

    head = read_bytes(ctx.context_dir, source, 262)  # only inside the build context
    if head is None:
        # not there, or there but not read (outside the context, not a regular file):
        # when it exists, slimmer cannot tell, so it does not claim COPY is the same
        path = os.path.join(ctx.context_dir, source.lstrip("/"))
        return os.path.lexists(path) and not os.path.isdir(path)
    return head.startswith(_MAGIC) or head[257:262] == b"ustar"


def _maybe_archive(ctx, source: str) -> bool:
    d = layers_data()
    if has_extension(source, d["archive_extensions"]):
        return True
    last = source.rstrip("/").rsplit("/", 1)[-1]
    if GLOB.search(last) and not os.path.splitext(last)[1]:
        return True  # `ADD * /app/`: whatever matches could be an archive
    return _sniffed_archive(ctx, source)


@rule("SLM052")
def check(ctx, r):
    d = layers_data()
    for stage in ctx.stages_for(r.scope):
        for ins in stage.find("ADD"):
            parts = copy_parts(ins)
            if parts is None or not parts[0] or ins.heredocs:
                continue
            sources = parts[0]
            if any("$" in s for s in sources):
                continue  # a variable whose value is not known: could be a URL or an archive
            if any(is_git_source(s) for s in sources):
                continue  # ADD of a git repository: COPY cannot do that
            urls = [s for s in sources if is_url(s)]
            if urls:
                packed = [u for u in urls if has_extension(u, d["download_extensions"])]
                if packed:
                    yield r.finding(
                        ins,
                        f"ADD downloads {packed[0]} into a layer of its own: once it is unpacked or installed, the "
                        f"download still ships; use RUN curl -fsSL … | tar -x (or download, use and rm in one RUN)",
                    )
                continue
            if any(_maybe_archive(ctx, s) for s in sources):
                continue  # unpacking a local tar is what ADD is for
            fix = None
            if not any(ins.has_flag(f) for f in ADD_ONLY_FLAGS):
                keyword = ins.raw.lstrip()[:3]
                fix = r.make_fix(ins, r"^(\s*)[Aa][Dd][Dd](?=\s)", r"\1" + ("copy" if keyword == "add" else "COPY"),
                                 "replace ADD with COPY")
            names = ", ".join(sources[:3]) + (", …" if len(sources) > 3 else "")
            yield r.finding(
                ins,
                f"ADD of {names}, which is not a tar archive: COPY does the same without ADD's unpacking and URL "
                f"handling; use COPY",
                fix,
            )
