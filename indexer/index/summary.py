"""What an index run did, and its report as `izde index` prints it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from indexer.index.errors import shown


def _ids_list(xs: list[str]) -> str:
    shown_ids = ", ".join(xs[:5]) + (f", … (+{len(xs) - 5})" if len(xs) > 5 else "")
    return f" ({shown_ids})" if xs else ""


@dataclass
class Summary:
    index_dir: str = ""
    generation: str | None = None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # (path, message) of warnings libraries gave while reading a file (pypdf...): reported,
    # not printed as they come, and not counted as skipped.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # unknown file types, not reported as errors
    paragraphs: int = 0  # paragraphs written in this run
    total_paragraphs: int = 0  # paragraphs in the index afterwards
    documents: int = 0  # documents in the index afterwards
    seconds: float = 0.0
    encodings: Counter = field(default_factory=Counter)  # label -> documents read this run
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)
    procs: int = 1  # Whoosh writer processes used (see IndexUpdate.choose_procs)

    def report(self) -> str:
        lines = [
            f"index {shown(self.index_dir)}: generation {self.generation or '(none)'}"
            + (" (rebuilt)" if self.rebuilt else "")
        ]
        lines.append(
            f"documents: {len(self.added)} added{_ids_list(self.added)}, "
            f"{len(self.updated)} updated{_ids_list(self.updated)}, "
            f"{len(self.removed)} removed{_ids_list(self.removed)}, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )
        lines.append(
            f"paragraphs: {self.paragraphs} indexed in this run; index holds "
            f"{self.documents} documents, {self.total_paragraphs} paragraphs"
        )
        if self.encodings:
            lines.append(
                "encodings: " + ", ".join(f"{k} ×{v}" for k, v in sorted(self.encodings.items()))
            )
        if self.ignored:
            lines.append(f"ignored {len(self.ignored)} file(s) of unknown type")
        lines.extend(self.notes)
        if self.warnings:
            lines.append("warnings:")
            lines.extend(f"  {shown(p)}: {m}" for p, m in self.warnings)
        if self.skipped:
            lines.append("skipped:")
            lines.extend(f"  {shown(p)}: {r}" for p, r in self.skipped)
        lines.append(f"time: {self.seconds:.2f} s")
        return "\n".join(lines)
