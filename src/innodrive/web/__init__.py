"""The web workbench: FastAPI routes, Jinja2 pages and the JSON API over the services.

Start with ``innodrive serve``. Layout: :mod:`.routes` (every route with the right it
needs), :mod:`.guard` (actor, permission, CSRF), :mod:`.errors` (the one error shape),
:mod:`.render` (typed page contexts into templates), :mod:`.pages` (one module per
area: handlers that call :mod:`innodrive.services` and render the result as HTML or
JSON), ``templates/`` and ``static/`` (our CSS and scripts; htmx and ECharts vendored
from their npm packages with their licences).
"""
