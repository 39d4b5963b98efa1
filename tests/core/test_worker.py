import pytest
from django.db import transaction

from accounts.services import password_reset_request
from tests.factories import UserFactory
from tests.support import running_worker, wait_for, worker_env


@pytest.mark.services
def test_task_queued_in_transaction_runs_on_real_worker_and_sees_committed_data(
    client, transactional_db, smtp_server, purged_broker
):
    env = worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port))
    with running_worker(name="commit", env=env):
        with transaction.atomic():
            # Created and queued in one transaction: the worker must only run after commit.
            UserFactory(email="nora.neu@example.org", first_name="Nora", language="en")
            password_reset_request(email="nora.neu@example.org", protocol="http", domain="testserver")
        wait_for(lambda: smtp_server.messages, timeout=30, message="the reset mail over SMTP")

    (message,) = smtp_server.messages
    assert message["To"] == "nora.neu@example.org"
    assert message["Subject"] == "Reset your password for the Aachen industry dialogue"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hello Nora,")
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    page = client.get(link.replace("http://testserver", ""), follow=True)
    assert "new_password1" in page.content.decode()


@pytest.mark.services
def test_rolled_back_transaction_queues_nothing(transactional_db, smtp_server, purged_broker):
    env = worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port))
    with running_worker(name="rollback", env=env):
        with pytest.raises(RuntimeError), transaction.atomic():
            UserFactory(email="rolled.back@example.org")
            password_reset_request(email="rolled.back@example.org", protocol="http", domain="testserver")
            raise RuntimeError("abort")
        UserFactory(email="marker@example.org", first_name="Mara", language="de")
        password_reset_request(email="marker@example.org", protocol="http", domain="testserver")
        wait_for(lambda: smtp_server.messages, timeout=30, message="the marker mail")
    assert [m["To"] for m in smtp_server.messages] == ["marker@example.org"]
