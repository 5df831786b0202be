"""The index room's public names in one place, for the many callers (CLI, web app, search,
evaluation, tests, benchmarks) that import them from here. Each lives in the module of its
job: `layout` (the folder), `generations` (stamp, open_index, IndexHandle), `anchors`,
`update` (the run), `check`, `stats`, `errors`."""

from indexer.index.anchors import resolve_fingerprint
from indexer.index.check import check_index
from indexer.index.errors import (
    IndexBusy,
    IndexDamaged,
    IndexError_,
    IndexMissing,
    IndexOutdated,
    InputError,
    StorageError,
)
from indexer.index.generations import IndexHandle, open_index, schema_signature
from indexer.index.stats import index_stats
from indexer.index.summary import Summary
from indexer.index.update import IndexUpdate, UpdateOptions, update_index

__all__ = [
    "IndexBusy",
    "IndexDamaged",
    "IndexError_",
    "IndexHandle",
    "IndexMissing",
    "IndexOutdated",
    "IndexUpdate",
    "InputError",
    "StorageError",
    "Summary",
    "UpdateOptions",
    "check_index",
    "index_stats",
    "open_index",
    "resolve_fingerprint",
    "schema_signature",
    "update_index",
]
