"""Background tasks of the enterprises app (django-tasks)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task


@task()
def suggestions_derive_task(enterprise_ids: list[int] | None, actor_id: int | None) -> int:
    """Derive product suggestions (产品推荐) for the given firms (None: all in the actor's write scope); returns
    how many suggestions were written."""
    from .services import suggestions_derive

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    return suggestions_derive(enterprises=enterprise_ids, actor=actor)["suggested"]
