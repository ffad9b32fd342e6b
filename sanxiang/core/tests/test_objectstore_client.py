"""The object store's botocore client is built once per process, not once per thread.

django-storages keeps a boto3 resource per thread; each built its own client and parsed the S3
service model again (about 20 MiB and a second of CPU per thread), which the part shippers and
the completion's senders multiplied (docs/benchmarks.md, S3 ingest). No store is contacted:
building a client is offline.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sanxiang.core.objectstore import ObjectStore, client_config


def _store() -> ObjectStore:
    return ObjectStore(
        bucket_name="sanxiang-unit",
        endpoint_url="http://127.0.0.1:9",
        access_key="unit",
        secret_key="unit-secret",
        region_name="us-east-1",
        client_config=client_config(),
    )


def test_every_thread_gets_the_same_client_and_one_session_is_made(monkeypatch):
    store = _store()
    sessions = []
    original = store._create_session

    def counted():
        sessions.append(threading.get_ident())
        return original()

    monkeypatch.setattr(store, "_create_session", counted)
    with ThreadPoolExecutor(4) as pool:
        clients = list(pool.map(lambda _n: store.client, range(16)))
    assert all(client is clients[0] for client in clients)
    assert store.client is clients[0]
    assert len(sessions) == 1


def test_two_stores_keep_their_own_clients():
    assert _store().client is not _store().client
