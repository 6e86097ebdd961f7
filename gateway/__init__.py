"""mailwarden: gateway."""
