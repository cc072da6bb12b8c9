"""Queue work for the django-q2 worker once the current transaction has committed."""

from typing import Any

from django.db import transaction
from django_q.tasks import async_task


def enqueue(task: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task` (a dotted path) after commit, so the worker never sees uncommitted rows.

    Keyword arguments are passed to the task; django-q2 options such as `task_name` and
    `group` are passed through as well. In tests (`sync: True`) the task runs in-process
    when the transaction commits.
    """
    transaction.on_commit(lambda: async_task(task, *args, **kwargs))
