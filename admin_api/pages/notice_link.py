"""The page a notice's link opens (``/quarantine/{id}``): a person in a browser, not an API client.

Without a session it leads to the sign-in page, which comes back here. Signed in, the entry
is loaded exactly as ``GET /api/v1/quarantine/{id}`` does (same scoping: another department's
entry is not found) and audited as ``quarantine.read``. Until the console's entry page
replaces it, the page says how to act on the entry with the API.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin_api.deps import Services, page_authz
from admin_api.entries import entry_out, load_entry
from admin_api.schemas import EntryId
from admin_api.templating import render
from admin_api.users import Principal


def review_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/quarantine/{entry_id}")
    def review_page(entry_id: EntryId, request: Request, services: Services,
                    p: Principal = Depends(page_authz("quarantine.read"))) -> Response:
        entry = entry_out(services, load_entry(services, entry_id, p, request), full=False)
        api = str(request.base_url).rstrip("/") + f"/api/v1/quarantine/{entry_id}"
        return render(request, "notice_link.html", {"entry": entry, "api": api})

    return router
