"""mailwarden: archive."""
