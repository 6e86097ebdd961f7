"""The page a notice's link opens: a person in a browser, not an API client.

Until the console exists, ``GET /quarantine/{id}`` explains in the reader's language
(``Accept-Language``: zh-CN or English) how to sign in and act on the entry with an API
token. It shows nothing of the message (the link may be forwarded) and never answers with
the JSON 401 a browser would get from ``/api/v1/quarantine/{id}``.
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

_TEXT = {
    "en": {
        "title": "Held message #{id}",
        "body": (
            "<p>This message is waiting for a reviewer's decision. mailwarden has no web console yet: "
            "reviewers act with the API token an administrator gave them "
            "(<code>mailwarden user add NAME --role ROLE --email ADDRESS</code> prints it once).</p>"
            "<p>See the entry and why it was held:</p><pre>curl -H 'Authorization: Bearer mw_…' {api}</pre>"
            "<p>Read the message:</p><pre>curl -H 'Authorization: Bearer mw_…' {api}/view</pre>"
            "<p>Release it (or <code>/reject</code>), with a comment:</p>"
            "<pre>curl -H 'Authorization: Bearer mw_…' -H 'Content-Type: application/json' \\\n"
            "     -d '{{\"comment\": \"why\"}}' {api}/release</pre>"
            "<p>Only the reviewers this message was routed to may decide, and never on a message they sent.</p>"
        ),
    },
    "zh-CN": {
        "title": "被拦截的邮件 #{id}",
        "body": (
            "<p>这封邮件正在等待审核人的决定。mailwarden 目前还没有网页控制台：审核人使用管理员为其创建的 "
            "API 令牌操作（<code>mailwarden user add 用户名 --role 角色 --email 邮箱</code> 会显示一次令牌）。</p>"
            "<p>查看条目及拦截原因：</p><pre>curl -H 'Authorization: Bearer mw_…' {api}</pre>"
            "<p>阅读邮件：</p><pre>curl -H 'Authorization: Bearer mw_…' {api}/view</pre>"
            "<p>放行（或 <code>/reject</code> 拒绝），并填写意见：</p>"
            "<pre>curl -H 'Authorization: Bearer mw_…' -H 'Content-Type: application/json' \\\n"
            "     -d '{{\"comment\": \"理由\"}}' {api}/release</pre>"
            "<p>只有这封邮件被分配到的审核人可以作出决定，且任何人都不能审核自己发出的邮件。</p>"
        ),
    },
}


def _language(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "zh-CN" if accept.startswith("zh") or ",zh" in accept.replace(" ", "") else "en"


def review_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/quarantine/{entry_id}", response_class=HTMLResponse)
    def review_page(request: Request, entry_id: int = Path(ge=1, le=2**63 - 1)) -> HTMLResponse:
        text = _TEXT[_language(request)]
        api = html.escape(str(request.base_url).rstrip("/") + f"/api/v1/quarantine/{entry_id}")
        title = html.escape(text["title"].format(id=entry_id))
        page = ('<!doctype html><html><head><meta charset="utf-8">'
                f"<title>{title}</title></head><body><h1>{title}</h1>{text['body'].format(api=api)}</body></html>")
        return HTMLResponse(page, headers={
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
        })

    return router
