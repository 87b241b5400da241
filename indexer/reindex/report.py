"""What a reindex did: the counts and the files it turned away, each with a reason to act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Rejected:
    path: str
    reason: str


@dataclass
class ReindexReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    documents: int = 0
    seconds: float = 0.0
    # Saved pages read in this run, by how their text was found ("article", "recall", "visible text").
    extraction: dict[str, int] = field(default_factory=dict)

    def count_extraction(self, path: str | None) -> None:
        if path:
            self.extraction[path] = self.extraction.get(path, 0) + 1

    def to_json(self) -> dict:
        """The contract's summary (`extraction` is for `-v` and the log, not part of it)."""
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        del data["extraction"]
        return data

    def add(self, other: "ReindexReport") -> None:
        """Count in another part of the same job: a writer process's share of the files."""
        self.added += other.added
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
        for path, count in other.extraction.items():
            self.extraction[path] = self.extraction.get(path, 0) + count
