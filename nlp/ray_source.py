"""A Ray Data source over the driver's Parquet work files, read on the driver's node.

`read_parquet` lists files from any node (and would need them on shared storage); here each
file is one read task, and `enrich_with_ray` pins the tasks to the node that wrote the files.
Imported only by the Ray engine, so ray stays out of every other import path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask


def _read(path: str) -> Iterable[pa.Table]:
    yield pq.read_table(path)


class WorkFiles(Datasource):
    """One read task per Parquet file (row counts and sizes from the files' footers)."""

    def __init__(self, files: Sequence[str]):
        self.files = list(files)

    def estimate_inmemory_data_size(self) -> int | None:
        return sum(os.path.getsize(f) for f in self.files)

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: object = None) -> list[ReadTask]:
        tasks = []
        for path in self.files:
            meta = pq.ParquetFile(path).metadata
            block = BlockMetadata(num_rows=meta.num_rows, size_bytes=os.path.getsize(path),
                                  exec_stats=None, input_files=(path,))
            tasks.append(ReadTask(lambda p=path: _read(p), block))
        return tasks

    def get_name(self) -> str:
        return "WorkFiles"
