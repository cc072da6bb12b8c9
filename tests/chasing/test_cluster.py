"""A real django-q2 cluster sends due reminders, is killed mid-batch, restarts, and finishes.

The cluster runs in its own process group on the test database with the ORM broker and a real
SMTP connection to a slow fake mail server. It is killed with SIGKILL while it is sending; a
new cluster then finishes the batch. Every due reminder must arrive exactly once.
"""

import collections
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_q.tasks import async_task

from chasing.models import ReminderDelivery, ReminderSchedule
from tests.chasing.smtp_fake import SmtpFake
from tests.chasing.support import open_invoice_rows
from tests.factories import ClientFactory

BASE = Path(__file__).resolve().parents[2]
INVOICES = 12
DELAY = 0.4  # seconds the mail server takes before each conversation


def start_cluster(smtp_port: int, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": url,
        "Q_SYNC": "off",
        "Q_WORKERS": "2",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TEST_EMAIL_HOST": "127.0.0.1",
        "TEST_EMAIL_PORT": str(smtp_port),
        # A sender killed mid-send holds its deliveries this long before another takes over.
        "REMINDER_CLAIM_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=BASE,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches every worker
    )


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def sweep_soon() -> None:
    """Put the sweep on the broker, as its schedule does every few minutes."""
    async_task("chasing.tasks.reminders_sweep_run", sync=False)


def wait_for(condition, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}. Cluster log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_killed_cluster_restarts_and_every_due_reminder_arrives_once(tmp_path):
    client = ClientFactory(billing_emails="ap@client.example")
    schedule = ReminderSchedule.objects.create(
        issuer=client.issuer,
        name="Always",
        is_default=True,
        weekdays="1234567",
        window_start=datetime.time(0, 0),
        window_end=datetime.time(23, 59, 59),
    )
    schedule.steps.create(
        offset_days=1, in_app=False, subject_en="Reminder {number}", body_en="Please pay."
    )
    today = client.issuer.today()
    invoices = open_invoice_rows(client, today - datetime.timedelta(days=2), INVOICES)
    log = tmp_path / "qcluster.log"

    with SmtpFake(delay=DELAY) as smtp:
        first = start_cluster(smtp.port, log)
        try:
            sweep_soon()
            wait_for(lambda: len(smtp.messages) >= 2, 90, "the first reminders", log)
            time.sleep(DELAY / 2)  # the next message is half-way through its conversation
        finally:
            kill(first)
        delivered_before_kill = len(smtp.messages)
        assert delivered_before_kill < INVOICES, "the batch was finished before the kill"

        second = start_cluster(smtp.port, log)
        try:

            def all_sent() -> bool:
                if ReminderDelivery.objects.filter(status="sent").count() == INVOICES:
                    return True
                sweep_soon()  # the schedule's next runs, compressed
                time.sleep(1.5)
                return False

            wait_for(all_sent, 120, "every reminder to be sent", log)
        finally:
            kill(second)

    arrived = collections.Counter(m["X-Reminder-Delivery"] for m in smtp.messages)
    deliveries = ReminderDelivery.objects.all()
    assert len(deliveries) == INVOICES
    assert arrived == collections.Counter({str(d.pk): 1 for d in deliveries})
    assert sorted(m["Subject"] for m in smtp.messages) == sorted(
        f"Reminder {i.number}" for i in invoices
    )
