# mailwarden: SMTP gateway + admin API in one process.
FROM python:3.11-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 libarchive13 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/mailwarden --shell /usr/sbin/nologin mailwarden

WORKDIR /opt/mailwarden
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY rules ./rules
COPY quarantine ./quarantine
COPY archive ./archive
COPY admin_api ./admin_api
COPY configs ./configs
RUN pip install --no-cache-dir .

USER mailwarden
ENV MAILWARDEN_CONFIG=/opt/mailwarden/configs/gateway.yaml \
    MAILWARDEN_SMTP__LISTEN=0.0.0.0:2525 \
    MAILWARDEN_API__LISTEN=0.0.0.0:8025 \
    MAILWARDEN_STORAGE__DATA_DIR=/var/lib/mailwarden/data \
    MAILWARDEN_STORAGE__KEYS_DIR=/var/lib/mailwarden/keys \
    MAILWARDEN_DELIVERY__NEXT_HOP=maildir:/var/lib/mailwarden/data/maildir
VOLUME ["/var/lib/mailwarden"]
EXPOSE 2525 8025
CMD ["mailwarden", "serve"]
