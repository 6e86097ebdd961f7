"""The JSON API's routers, one per resource, each mounted under ``/api/v1`` (ops at the root)."""
