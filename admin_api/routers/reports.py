"""``/api/v1/reports``: counts of held, released, rejected mail and archive figures (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.encoders import jsonable_encoder
from fastapi.responses import PlainTextResponse

from admin_api.deps import Services, authz
from admin_api.responses import csv_cell
from admin_api.schemas import When, ts
from admin_api.users import Principal

router = APIRouter(tags=["reports"])


@router.get("/reports/summary", responses={200: {"content": {"text/csv": {}}}})
def report_summary(
    services: Services,
    after: When = None,
    before: When = None,
    format: Literal["json", "csv"] = "json",
    p: Principal = Depends(authz("reports.summary")),
) -> Any:
    a, b = ts(after), ts(before)
    data: dict[str, Any] = {
        "after": a,
        "before": b,
        "quarantine": services.quarantine.summary(a, b),
        "archive": jsonable_encoder(services.archive_stats(a, b)) if services.archive_stats else None,
    }
    if format == "json":
        return data
    return PlainTextResponse(summary_csv(data), media_type="text/csv")


def summary_csv(data: Mapping[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["source", "dimension", "key", "count"])
    for source in ("quarantine", "archive"):
        block = data.get(source) or {}
        for dimension, values in block.items():
            if isinstance(values, Mapping):
                for key, count in values.items():
                    w.writerow([source, csv_cell(dimension), csv_cell(key), csv_cell(count)])
            else:
                w.writerow([source, csv_cell(dimension), "", csv_cell(values)])
    return buf.getvalue()
