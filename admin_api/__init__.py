"""mailwarden: admin_api."""
