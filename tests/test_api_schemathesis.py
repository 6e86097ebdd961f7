"""Property-based run of schemathesis over the app's own OpenAPI schema, with a valid admin
token, on a real database: no operation answers 5xx (bounded: 20 examples per operation)."""

from __future__ import annotations

import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from admin_api.audit import verify_audit
from tests.test_api_support import Env


def test_no_server_errors(engine: sa.Engine) -> None:
    env = Env(engine)
    env.hold(recipients=("x@ext.example", "y@ext.example"))
    env.hold(department="sales", required_approvals=2)
    env.hold(sender_may_release=True)
    headers = env.headers("admin")
    schema = schemathesis.openapi.from_asgi("/openapi.json", env.app)
    failures: list[str] = []
    operations = 0

    def check(operation: schemathesis.APIOperation) -> None:
        label = operation.label

        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers={**(case.headers or {}), **headers})
            if response.status_code >= 500:
                failures.append(
                    f"{label}: {response.status_code} {case.path_parameters} {case.query} {case.body!r}"
                )

        run()

    for result in schema.get_all_operations():
        operations += 1
        check(result.ok())
    assert operations >= 20
    assert not failures, "\n".join(failures[:20])
    assert verify_audit(engine, env.audit_chain) == (True, [])
