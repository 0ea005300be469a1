"""API fuzzing: schemathesis generates requests from ``/openapi.json`` and sends them with
a signed-in token. No request may cause a server error (5xx), and every response must
match the schema the OpenAPI document declares for it (including the error shape)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from innodrive.services import accounts
from innodrive.services.actor import Actor, Role

ADMIN = Actor(username="t-admin", role=Role.ADMIN, via="web")
# No 5xx, and every answer as the OpenAPI document declares it. (A schema-valid request may
# still be refused for what it means, e.g. publishing a summary of a region with no targets:
# that is a 4xx with the error shape, checked by the conformance checks.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def test_no_request_breaks_the_api(web):
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
    tokens = {who: accounts.issue_token(web.store, ADMIN, who).token for who in ("t-office", "t-admin")}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:
        for who, token in tokens.items():
            try:
                _fuzz(operation, {"Authorization": f"Bearer {token}"})
            except Exception as exc:  # name the operation and account in the failure
                raise AssertionError(f"{operation.label} as {who}: {exc}") from exc


def _fuzz(operation, headers: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
