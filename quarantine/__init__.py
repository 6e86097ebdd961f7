"""mailwarden: quarantine."""
