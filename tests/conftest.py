"""Fixtures shared by the test packages."""

import pytest


@pytest.fixture(scope="module")
def client():
    """A dask.distributed cluster on loopback with two single-threaded worker processes, for
    the tests of one module (no fixed ports, so pytest-xdist workers never collide)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                       scheduler_port=0, silence_logs=40)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
