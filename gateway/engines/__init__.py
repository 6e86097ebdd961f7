"""External engines the gateway asks about each message: ClamAV (clamd) and Rspamd.

``config`` their settings, ``clamav``/``rspamd`` the clients, ``scanning`` the per-message
scan with its failure policy, ``learning`` what reviewers' decisions teach Rspamd.
"""
