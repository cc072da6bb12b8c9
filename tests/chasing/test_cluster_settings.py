"""The worker's configuration: the ORM broker by default, Redis when REDIS_URL is set."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from portal.settings import production as s; "
    "print(json.dumps({'q': s.Q_CLUSTER, 'options': s.DATABASES['default'].get('OPTIONS', {})}))"
)


def settings_of(argv: list[str], **env: str) -> dict:
    environment = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "",
        **env,
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    code = f"import sys; sys.argv = {argv!r}; {PRINT}"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE, env=environment, capture_output=True, check=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def test_the_worker_uses_the_database_as_broker_by_default():
    q = settings_of(["manage.py", "qcluster"])["q"]
    assert q["orm"] == "default" and "redis" not in q
    assert q["retry"] > q["timeout"]


def test_the_worker_uses_redis_when_it_is_configured():
    q = settings_of(["manage.py", "qcluster"], REDIS_URL="redis://127.0.0.1:6379/3")["q"]
    assert q["redis"] == "redis://127.0.0.1:6379/3" and "orm" not in q
