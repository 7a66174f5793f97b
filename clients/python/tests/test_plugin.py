"""The plugin's own tests: they need AKANA_EMULATOR_BINARY (or akana-emulator on PATH) or
AKANA_EMULATOR_URL, like the plugin's users."""

import pytest

from akana_emulator import AkanaError


def test_client_logs_in_and_sends_the_csrf_header(akana_client):
    assert akana_client.csrf_token
    app_id = akana_client.create_app("Plugin app")
    got = akana_client.get(f"/api/apps/{app_id}", check=True).json()
    assert got["Name"] == "Plugin app"


def test_a_write_without_the_csrf_header_is_refused(akana, akana_checkpoint):
    client = akana.client()
    response = client.session.post(client.url("/api/apps"), json={"Name": "no header"},
                                   headers={"Accept": "text/plain"})
    assert response.status_code == 401, response.text


def test_wrong_password_is_an_akana_error(akana):
    with pytest.raises(AkanaError) as failure:
        akana.client(email="administrator@acmepaymentscorp.com", password="wrong")
    assert failure.value.status in (401, 403)


def test_checkpoint_diff_names_what_the_test_changed(akana, akana_checkpoint):
    app_id = akana.client().create_app("Diffed by the plugin")
    diff = akana_checkpoint.diff()
    created = [(o.get("type"), o.get("id")) for o in diff["created"]]
    assert ("App", app_id) in created


def test_an_invitation_is_in_the_outbox_and_in_the_invitees_notifications(akana, akana_checkpoint):
    admin = akana.client()
    group = admin.post("/api/groups", json={"Group": {"Name": "Plugin reviewers"}},
                       headers={"Accept": "application/json"}, check=True).json()["GroupID"]
    request_id = admin.post(f"/api/groups/{group}/members",
                            json={"Email": "jane@acmepaymentscorp.com", "Message": "Join us"},
                            headers={"Accept": "text/plain"}, check=True).text
    [message] = admin.outbox(to="jane@acmepaymentscorp.com", kind="group.invitation")
    assert message["objectID"] == request_id
    assert "Plugin reviewers" in message["subject"]
    jane = akana.client(email="jane@acmepaymentscorp.com", password="password")
    items = jane.get(f"/api/users/{message['toUserID']}/notifications", check=True).json()["channel"]["item"]
    assert [item["title"] for item in items] == [message["subject"]]


def test_each_test_starts_from_the_same_state(pytester, akana):
    # Two tests in a fresh pytest run against this session's emulator: the first creates an app, the
    # second must not see it (akana_checkpoint rolled it back).
    pytester.makepyfile(
        """
        def search(client, name):
            return client.get("/api/search", params={"q": name}).text

        def test_first(akana_client):
            akana_client.create_app("Leaky app")
            assert "Leaky app" in search(akana_client, "Leaky")

        def test_second(akana_client):
            assert "Leaky app" not in search(akana_client, "Leaky")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--akana-url={akana.url}")
    result.assert_outcomes(passed=2)


def test_an_instance_is_isolated_from_the_daemon(akana, akana_instance):
    inside = akana_instance.client()
    app_id = inside.create_app("Only in the instance")
    assert inside.get(f"/api/apps/{app_id}").status_code == 200
    assert akana.client().get(f"/api/apps/{app_id}").status_code == 404
    assert akana_instance.url != akana.url


def test_worker_isolation_puts_checkpoints_and_clients_on_one_instance(pytester, akana):
    pytester.makepyfile(
        """
        def test_first(akana_client, akana_target, akana):
            assert akana_target.url != akana.url
            akana_client.create_app("Worker app")

        def test_second(akana_client, akana_target):
            assert "Worker app" not in akana_client.get("/api/search", params={"q": "Worker"}).text
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--akana-url={akana.url}", "--akana-isolation=worker")
    result.assert_outcomes(passed=2)
    # The worker's instance went with the run.
    assert akana.admin("GET", "/_emulator/instances").json()["Instance"] == []
