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

from innodrive.services.actor import ROLE_NAMES, Actor, Role

__all__ = ["ROLE_NAMES", "Actor", "Role"]
