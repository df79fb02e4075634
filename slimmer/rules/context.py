"""What a rule sees: the model, the stage graph and questions about them asked often."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from slimmer.model.graph import StageGraph
from slimmer.model.nodes import Dockerfile, Instruction, Stage
from slimmer.model.shell import Command, parse_commands


@dataclass
class Context:
    dockerfile: Dockerfile
    graph: StageGraph
    all_stages: bool = False  # configuration: check build stages for size rules too
    _commands: dict[int, tuple[Command, ...]] = field(default_factory=dict)

    @property
    def stages(self) -> list[Stage]:
        return self.dockerfile.stages

    @property
    def target(self) -> Stage:
        return self.dockerfile.stages[self.graph.target]

    def ships(self, stage: Stage) -> bool:
        """True when the stage's files end up in the final image: the target and the
        stages it is built FROM. Stages only copied from ship just what is copied."""
        return stage.index in self._shipping

    @cached_property
    def _shipping(self) -> frozenset[int]:
        """The target and its FROM chain, walked once (every rule asks of every stage)."""
        stages = self.dockerfile.stages
        index = self.graph.target
        chain = {index}
        while stages[index].base_stage is not None and stages[index].base_stage not in chain:
            index = stages[index].base_stage  # type: ignore[assignment]
            chain.add(index)
        return frozenset(chain)

    def stages_for(self, scope: str) -> list[Stage]:
        """Stages a rule of this scope looks at.

        "final": stages whose files ship (size and security rules), unless configured
        to check all stages; "used": stages the target needs (cache rules); "all": every
        stage, unused ones included.
        """
        if scope == "all" or (self.all_stages and scope == "final"):
            return list(self.stages)
        if scope == "used":
            return [s for s in self.stages if self.graph.reaches_target(s.index)]
        shipping = self._shipping
        return [s for s in self.stages if s.index in shipping]

    def commands(self, ins: Instruction) -> tuple[Command, ...]:
        """The shell commands of a RUN (heredoc scripts included)."""
        key = id(ins)
        if key not in self._commands:
            if ins.keyword != "RUN" or ins.exec_form is not None:
                cmds: tuple[Command, ...] = ()
                if ins.keyword == "RUN" and ins.exec_form:
                    # RUN ["sh", "-c", "..."] still runs a script.
                    from slimmer.model.shell import SHELLS

                    argv = ins.exec_form
                    if argv and argv[0].rsplit("/", 1)[-1] in SHELLS and "-c" in argv:
                        script = argv[argv.index("-c") + 1] if argv.index("-c") + 1 < len(argv) else ""
                        cmds = parse_commands(script)
            else:
                from dataclasses import replace

                # Each command knows which script it is in, so a fix can find it in the text.
                cmds = tuple(c if i == 0 else replace(c, script=i)
                             for i, script in enumerate(ins.shell_scripts) for c in parse_commands(script))
            self._commands[key] = cmds
        return self._commands[key]

    def runs(self, stage: Stage) -> Iterator[tuple[Instruction, tuple[Command, ...]]]:
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                yield ins, self.commands(ins)

    @cached_property
    def context_dir(self) -> str:
        return os.path.dirname(os.path.abspath(self.dockerfile.path))

    def stage_ancestry(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM, base first."""
        stages = self.dockerfile.stages
        chain = [stage]
        while chain[-1].base_stage is not None:
            chain.append(stages[chain[-1].base_stage])
        chain.reverse()
        return chain
