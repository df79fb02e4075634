"""Property: any Dockerfile built from real syntax renders back byte for byte, and the
instructions come out with the lines they were written on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from slimmer.parse import parse_text

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./=$:{} ", min_size=1, max_size=20).map(str.strip).filter(
    lambda w: w and not w.endswith("\\") and not w.startswith(("#", "-")) and "<<" not in w
)
keywords = st.sampled_from(["RUN", "run", "CMD", "ENV", "LABEL", "EXPOSE", "WORKDIR", "USER", "COPY", "ENTRYPOINT", "VOLUME"])


@st.composite
def instruction(draw, nl):
    """(text, number of lines, is_instruction) for one instruction with optional continuations/heredoc."""
    kw = draw(keywords)
    first = f"{draw(st.sampled_from(['', '  ', chr(9)]))}{kw} {draw(words)}"
    lines = [first]
    for _ in range(draw(st.integers(0, 3))):
        lines[-1] += draw(st.sampled_from([" \\", "\\", " \\  "]))
        for _ in range(draw(st.integers(0, 1))):
            lines.append(draw(st.sampled_from(["  # a comment", "", "   "])))
        lines.append("    " + draw(words))
    if kw.upper() in ("RUN", "COPY") and draw(st.booleans()):
        delim = draw(st.sampled_from(["EOF", "END", "script.sh"]))
        dash = draw(st.booleans())
        lines[-1] += f" <<{'-' if dash else ''}{delim}"
        body = draw(st.lists(st.sampled_from(["FROM evil", "RUN x", "# not a comment", "", "echo $HOME"]), max_size=3))
        lines += [("\t" if dash else "") + b for b in body] + [("\t" if dash else "") + delim]
    return nl.join(lines), len(lines)


@st.composite
def dockerfile(draw):
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    parts: list[str] = []
    expected: list[int] = []  # first line of each instruction
    line = 1
    if draw(st.booleans()):
        parts.append("# syntax=docker/dockerfile:1")
        line += 1
    parts.append(f"FROM {draw(st.sampled_from(['python:3.11', 'debian', 'scratch']))} AS s0")
    expected.append(line)
    line += 1
    for i in range(draw(st.integers(0, 8))):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            parts.append("# " + draw(words))
            line += 1
        elif choice == 1:
            parts.append(draw(st.sampled_from(["", "  "])))
            line += 1
        elif choice == 2:
            parts.append(f"FROM s0 AS s{i + 1}")
            expected.append(line)
            line += 1
        else:
            text, count = draw(instruction(nl))
            parts.append(text)
            expected.append(line)
            line += count
    text = nl.join(parts)
    if draw(st.booleans()):
        text += nl
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, expected


@settings(max_examples=400, deadline=None)
@given(dockerfile())
def test_round_trip(case):
    text, expected_lines = case
    df = parse_text(text)
    assert df.render() == text
    assert [i.line for i in df.instructions] == expected_lines
    # The nodes tile the file: every line belongs to exactly one node.
    covered = []
    for node in df.nodes:
        covered.extend(range(node.line, node.end_line + 1))
    assert covered == list(range(1, len(covered) + 1))
