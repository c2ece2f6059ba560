"""The Dask engine: the same batches and tables as ``pipeline.runner``, on a Dask cluster.

Each batch of each pass is one task; each worker process loads the models once (a worker
plugin). At most two batches per worker are in flight, so the driver's memory stays bounded,
and results are written in batch order, so the tables are the same bytes as a local run's.
The driver reads the input and sends each batch's pages with its task, so workers need no
shared storage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dask.distributed import Client, LocalCluster, WorkerPlugin

from pipeline.runner import RunSettings, execute, init_worker


class ModelPlugin(WorkerPlugin):
    """Load the models once per worker process."""

    name = "leadclaims-models"

    def __init__(self, model_dir: Path, spam_threshold: float, claims: bool) -> None:
        self.model_dir, self.spam_threshold = Path(model_dir).resolve(), spam_threshold
        self.claims = claims

    def setup(self, worker: Any) -> None:
        init_worker(self.model_dir, self.spam_threshold, self.claims)


def run_dask(input_dir: Path, output: Path, settings: RunSettings, scheduler: str | None,
             progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run on the Dask cluster at ``scheduler``, or on a local cluster of ``settings.jobs``
    worker processes when it is None."""
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=settings.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        client.register_plugin(ModelPlugin(settings.model_dir, settings.spam_threshold,
                                           settings.claims))
        window = 2 * max(1, len(client.scheduler_info()["workers"]))

        def submit(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
            return client.submit(function, *args, pure=False)

        return execute(input_dir, output, settings, submit, window, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
