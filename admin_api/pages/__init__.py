"""The console's pages: one router per page group, mounted at the root (no ``/api`` prefix).

Pages call the same services and helpers as the JSON routers (:mod:`admin_api.entries`,
:mod:`admin_api.deps`), never the JSON routes themselves.
"""
