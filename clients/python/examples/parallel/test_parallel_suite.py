"""200 tests for pytest-xdist against ONE daemon: run with
`pytest -n 8 --akana-isolation=worker clients/python/examples/parallel`. Each worker gets its own
instance and each test a checkpoint rolled back after it, so every test sees only its own app —
with cross-talk (workers sharing the daemon's state, or a rollback undoing another worker's
changes) the counts below would be off."""

import pytest


@pytest.mark.parametrize("n", range(200))
def test_each_test_sees_only_its_own_changes(akana_client, akana_checkpoint, n):
    app_id = akana_client.create_app(f"Parallel {n}")
    found = akana_client.get("/api/search", params={"q": "type:app Parallel", "count": 50}).json()
    items = found["channel"].get("item", [])
    titles = [item["title"] for item in items if item["title"].startswith("Parallel ")]
    assert titles == [f"Parallel {n}"], titles
    diff = akana_checkpoint.diff()
    assert [o["id"] for o in diff["created"] if o.get("type") == "App"] == [app_id]
