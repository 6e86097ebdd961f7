# syntax=docker/dockerfile:1
# mailwarden in production: the gateway (SMTP, delivery, admin API and console, background jobs)
# as an unprivileged user, configured from a mounted volume, the master key from a Docker secret.
#
# The base image is pinned by digest (python:3.11-slim-bookworm); move the digest and
# requirements.lock forward together, on purpose, never by a rebuild picking up a new tag.
FROM python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 libarchive13 libzbar0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/mailwarden --shell /usr/sbin/nologin mailwarden \
 && install -d -o mailwarden -g mailwarden -m 0700 /var/lib/mailwarden /etc/mailwarden

WORKDIR /opt/mailwarden
# Dependencies first, exactly as locked (each file's hash checked), so code changes rebuild one layer.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-input --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY rules ./rules
COPY quarantine ./quarantine
COPY archive ./archive
COPY admin_api ./admin_api
# The project itself: its dependencies are the locked ones above, nothing fetched here.
RUN pip install --no-cache-dir --no-input --no-deps --no-build-isolation . \
 && mkdir -p /usr/share/mailwarden
# Example configuration only, for `docker run … cp -r /usr/share/mailwarden/configs/. /etc/mailwarden/`:
# the gateway reads /etc/mailwarden (a mounted volume), never these.
COPY configs /usr/share/mailwarden/configs

USER mailwarden
# No secret here: the master key is the Docker secret mailwarden_master_key; the database URL
# (with its password) comes from the environment the operator gives the container.
ENV MAILWARDEN_CONFIG=/etc/mailwarden/gateway.yaml \
    MAILWARDEN_IN_CONTAINER=1 \
    MAILWARDEN_SMTP__LISTEN=0.0.0.0:2525 \
    MAILWARDEN_API__LISTEN=0.0.0.0:8025 \
    MAILWARDEN_API__TLS=true \
    MAILWARDEN_STORAGE__DATA_DIR=/var/lib/mailwarden/data \
    MAILWARDEN_STORAGE__KEYS_DIR=/etc/mailwarden/keys \
    MAILWARDEN_STORAGE__MASTER_KEY_FILE=/run/secrets/mailwarden_master_key \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/mailwarden", "/etc/mailwarden"]
EXPOSE 2525 8025
# /healthz names what is degraded (database, disk, workers, keys, directory, engines): 503 = unhealthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import ssl, sys, urllib.request as u; c = ssl.create_default_context(); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE; sys.exit(0 if u.urlopen('https://127.0.0.1:8025/healthz', context=c, timeout=8).status == 200 else 1)"]
CMD ["mailwarden", "serve"]
