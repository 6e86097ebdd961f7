"""mailwarden: rules."""
