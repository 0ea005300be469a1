"""Fixtures of the web tests: a real database with one account per role and a client
signed in as each of them (FastAPI's TestClient over the real application)."""

from __future__ import annotations

import pytest

from innodrive.services.actor import Role

PASSWORD = "test-Passw0rd"
# role -> (username, region, unit); regions inside 乐山市 (511100) except where noted
ACCOUNTS: dict[Role, tuple[str, str | None, str | None]] = {
    Role.ADMIN: ("t-admin", None, None),
    Role.OFFICE: ("t-office", "511100", None),
    Role.UNIT: ("t-unit", "511100", "市经信局"),
    Role.COUNTY: ("t-county", "511102", None),
    Role.EVALUATOR: ("t-evaluator", "511100", None),
    Role.REVIEWER: ("t-reviewer", None, None),
    Role.NPC: ("t-npc", "511100", None),
}


def make_accounts(store) -> None:
    from innodrive.services import accounts
    from innodrive.services.actor import Actor

    operator = Actor.local_operator("test")
    for role, (username, region, unit) in ACCOUNTS.items():
        accounts.add_user(store, operator, username=username, password=PASSWORD, role=role, name=username,
                          region=region, unit=unit)


class Web:
    """The application on one database, and a way to get a client for any role."""

    def __init__(self, url: str) -> None:
        from innodrive.store import open_store
        from innodrive.web.app import create_app

        self.url = url
        self.app = create_app(url)
        self.store = open_store(url)

    def client(self, role: Role | None = None):
        """A client signed in as the test account of ``role`` (``None`` or PUBLIC: anonymous),
        carrying the CSRF token its pages would carry."""
        from fastapi.testclient import TestClient

        from innodrive.accounts.secrets import new_token
        from innodrive.services import accounts

        client = TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)
        if role is None or role == Role.PUBLIC:
            token = new_token()
            client.cookies.set("innodrive_csrf", token)
            client.headers["X-CSRF-Token"] = token
            return client
        signed = accounts.sign_in(self.store, username=ACCOUNTS[role][0], password=PASSWORD)
        client.cookies.set("innodrive_session", signed.token)
        client.headers["X-CSRF-Token"] = signed.csrf
        client.csrf = signed.csrf
        return client

    def close(self) -> None:
        self.store.close()
        self.app.state.store.close()


@pytest.fixture
def web(accounts_db_url):
    w = Web(accounts_db_url)
    yield w
    w.close()
