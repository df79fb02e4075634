"""Image references: [registry/]repository[:tag][@digest]."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str | None
    repository: str  # as written, e.g. "python", "nvidia/cuda", "team/app"
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> ImageRef:
        rest, _, digest = text.partition("@")
        registry = None
        first, slash, remainder = rest.partition("/")
        # Docker's rule: the first component is a registry when it has a dot or a
        # port, or is "localhost"; otherwise it is part of the repository path.
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first, remainder
        repository, tag = rest, None
        last = rest.rsplit("/", 1)[-1]
        if ":" in last:
            head, _, tag = rest.rpartition(":")
            repository = head
        return cls(text, registry, repository, tag or None, digest or None)

    @property
    def name(self) -> str:
        """The repository's last path component: "cuda" for nvidia/cuda."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def is_scratch(self) -> bool:
        return self.raw == "scratch"

    def with_tag(self, tag: str) -> str:
        prefix = f"{self.registry}/" if self.registry else ""
        return f"{prefix}{self.repository}:{tag}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "registry": self.registry,
            "repository": self.repository,
            "tag": self.tag,
            "digest": self.digest,
        }
