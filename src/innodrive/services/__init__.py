"""The service floor: the use cases the faces share.

Each service is a function ``verb(store, actor, …typed input…) -> view model``:

- it takes the :class:`~innodrive.store.Store`, an explicit
  :class:`~innodrive.services.actor.Actor` and bytes or typed arguments (never a
  path the server would have to trust, never the process's login name);
- it checks the actor's rights first (:func:`innodrive.services.access.require`),
  including the region and unit scope of the objects it touches;
- it writes the audit log under ``actor.username`` in the same transaction as the
  change;
- it returns pydantic view models with English keys; Chinese labels are added by
  the faces (``innodrive.cli``, ``innodrive.web``, ``innodrive.reports``).

No face contains business logic: the CLI parses and prints, the web routes parse and
render, the report writers lay out — all of them over the same functions here.
"""

__all__ = ["ROLE_NAMES", "Actor", "Role"]


def __getattr__(name: str):
    # lazily: a rights check (innodrive.services.access) must not import pydantic
    if name in __all__:
        from innodrive.services import actor

        return getattr(actor, name)
    raise AttributeError(name)
