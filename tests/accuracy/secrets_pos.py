"""Secrets that really leak, each where people paste it: bodies, config files, logs, keys."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy import secret_values as sv
from tests.accuracy.common import Sample, outbound, signature, simple
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_EXT, ZH_STAFF, b64_block, rand

CAT = "secrets"


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []
    eng = [p for p in EN_STAFF if "Engineer" in p.title or "DevOps" in p.title]
    zh_eng = [p for p in ZH_STAFF if "工程师" in p.title] or ZH_STAFF
    vendors = [EN_EXT[2], EN_EXT[0], next(p for p in EN_EXT if p.addr.endswith("gmail.com"))]

    def add(note: str, subject: str, body: str, *, lang: str = "en", attachments: list[mime.Part] | None = None,
            charset: str = "utf-8", cte: str = "8bit", html: bool = False) -> None:
        s = rng.choice(zh_eng if lang == "zh" else eng)
        r = rng.choice(ZH_EXT[:4] if lang == "zh" else vendors)
        mail = simple(s, r, subject, body + "\n\n" + signature(s, lang, disclaimer=False), charset=charset, cte=cte,
                      html=html, attachments=attachments)
        out.append(outbound(f"sec-pos-{len(out) + 1:03d}", CAT, "held", note, mail))

    pw = lambda: sv.password(rng)  # noqa: E731
    # JWTs
    add("JWT bearer token in a curl command", "API returns 403",
        "Hi Priya,\n\nThis call fails with 403 since this morning:\n\ncurl -H \"Authorization: Bearer "
        f"{sv.jwt(rng, 'Bob Turner')}\" https://api.example.com/v2/orders?since=2026-10-01\n\nAny idea?")
    add("JWT in a log attachment", "Login issue logs", "Logs attached.",
        attachments=[mime.attachment("gateway.log", (f"2026-10-14T09:12:03Z INFO auth ok user=li.wei token="
                                                     f"{sv.jwt(rng, 'li.wei')}\n2026-10-14T09:12:04Z WARN upstream slow\n").encode(),
                                     "text/plain", charset="utf-8")])
    add("JWT in a Chinese message", "接口鉴权问题", f"您好：\n\n测试账号的token是 {sv.jwt(rng, 'zhao.lei')} ，麻烦帮忙看一下为什么过期。",
        lang="zh")
    # database URLs with passwords
    urls = [
        f"postgresql://app_user:{pw()}@db-prod-01.internal.example.com:5432/orders",
        f"postgres://reporting:{pw()}@10.20.3.15/finance?sslmode=require",
        f"mongodb+srv://admin:{pw()}@cluster0.x7k2m.mongodb.net/prod?retryWrites=true&w=majority",
        f"mongodb://svc_etl:{pw()}@mongo-01:27017,mongo-02:27017/warehouse?replicaSet=rs0",
        f"mysql://root:{pw()}@10.0.3.12:3306/erp",
        f"jdbc:mysql://rds-erp.example.com:3306/erp?user=erp_app&password={pw()}&useSSL=true",
    ]
    for i, u in enumerate(urls):
        if i % 2:
            add("database URL with a password in a config attachment", "Deployment config", "Config attached.",
                attachments=[mime.attachment("application.properties", f"server.port=8080\nspring.datasource.url={u}\n"
                                             .encode(), "text/plain", charset="utf-8")])
        else:
            add("database URL with a password in the body", "DB access for the migration" if i != 4 else "数据库连接",
                (f"Hi,\n\nYou can use this connection string for the migration:\n\n{u}\n\nPlease delete after use."
                 if i != 4 else f"您好：\n\n迁移用的数据库连接：{u}\n\n用完请删除。"), lang="zh" if i == 4 else "en")
    # PuTTY, OpenSSH, RSA/EC keys, PGP
    add("PuTTY .ppk attachment", "Server access", "Key for the jump host attached; user is deploy.",
        attachments=[mime.attachment("deploy.ppk", sv.ppk(rng, "deploy@jump01").encode(), "application/octet-stream")])
    add("PuTTY key pasted in the body", "ppk", "Here you go:\n\n" + sv.ppk(rng, "rsa-key-20261014"))
    add("OpenSSH private key in the body", "SSH key for the SFTP drop",
        "Hi Sarah,\n\nKey for the SFTP drop below.\n\n" + sv.pem(rng, "OPENSSH PRIVATE KEY", 1680))
    add("RSA private key attachment", "TLS cert renewal", "Cert and key attached.",
        attachments=[mime.attachment("wildcard_example_com.key", sv.pem(rng, "RSA PRIVATE KEY").encode(),
                                     "application/x-pem-file")])
    add("EC private key, base64 transfer encoding", "signing key", "Signing key:\n\n" + sv.pem(rng, "EC PRIVATE KEY", 121),
        cte="base64")
    add("PGP private key block in an .asc attachment", "My PGP key", "Exported key attached.",
        attachments=[mime.attachment("secret-key.asc", sv.pgp_private(rng).encode(), "application/pgp-keys")])
    add("PGP private key block in the body", "PGP key backup", sv.pgp_private(rng))
    add("private key inside a zip", "Deployment bundle", "Bundle attached.",
        attachments=[mime.attachment("bundle.zip", mime.zip_of({"certs/server.key": sv.pem(rng, "PRIVATE KEY").encode(),
                                                                "README.md": b"Install with ./install.sh\n"}),
                                     "application/zip")])
    # webhooks and tokens
    add("Slack webhook URL", "Alerts to your Slack",
        f"Hi Priya,\n\nPlease point the alerts to this webhook:\n{sv.slack_webhook(rng)}\n\nThanks")
    add("Slack webhook in a YAML attachment", "Alertmanager config", "Config attached.",
        attachments=[mime.attachment("alertmanager.yml", (
            "receivers:\n  - name: ops\n    slack_configs:\n      - api_url: " + sv.slack_webhook(rng)
            + "\n        channel: '#ops-alerts'\n").encode(), "application/x-yaml")])
    add("GitHub personal access token (CRC-valid)", "CI access",
        f"Hi Sarah,\n\nUse this token for the CI checkout: {sv.gh(rng)}\n\nIt expires in 30 days.")
    add("GitHub token in a .env attachment", "env file", "The .env for staging.",
        attachments=[mime.attachment(".env", f"GITHUB_TOKEN={sv.gh(rng)}\nNODE_ENV=staging\n".encode(), "text/plain")])
    add("Stripe live secret key", "Payment keys", f"Live key for the go-live: {sv.stripe_live(rng)}")
    # cloud keys
    for i in range(3):
        kid, sec = sv.aws(rng)
        if i == 0:
            add("AWS access key pair in the body", "S3 upload credentials",
                f"Hi,\n\naws_access_key_id = {kid}\naws_secret_access_key = {sec}\nregion = ap-east-1")
        elif i == 1:
            add("AWS credentials file attachment", "credentials", "Attached.", attachments=[mime.attachment(
                "credentials", f"[default]\naws_access_key_id={kid}\naws_secret_access_key={sec}\n".encode(), "text/plain")])
        else:
            add("AWS key in a Chinese message (GB18030)", "S3 账号", f"您好：\n\nAccessKey: {kid}\nSecretKey: {sec}\n\n谢谢",
                lang="zh", charset="gb18030")
    for i in range(2):
        kid, sec = sv.alibaba(rng)
        add("Alibaba Cloud AccessKey pair", "阿里云 OSS 账号" if i == 0 else "OSS access",
            f"AccessKeyId: {kid}\nAccessKeySecret: {sec}\nBucket: ex-media-prod" if i == 0 else
            f"Hi,\n\nALIBABA_CLOUD_ACCESS_KEY_ID={kid}\nALIBABA_CLOUD_ACCESS_KEY_SECRET={sec}", lang="zh" if i == 0 else "en")
    for i in range(2):
        kid, sec = sv.tencent(rng)
        add("Tencent Cloud SecretId/SecretKey", "腾讯云 COS 密钥",
            f"您好：\n\nSecretId: {kid}\nSecretKey: {sec}\n\n用于 COS 上传。", lang="zh", charset="gbk" if i else "utf-8")
    add("Azure storage connection string", "Blob storage for the import",
        f"Hi Priya,\n\nConnection string:\n{sv.azure_conn(rng, 'exprodimports')}\n\nBob")
    add("Azure AD client secret in JSON", "App registration",
        "Hi,\n\n{\n  \"tenantId\": \"" + rand(rng, 8, "0123456789abcdef") + "-4f1c-9a7e-2b6d0c1e8f3a\",\n  \"clientId\": \""
        + rand(rng, 8, "0123456789abcdef") + "-11aa-4c2b-8d3e-5f6a7b8c9d0e\",\n  \"clientSecret\": \""
        + sv.azure_client_secret(rng) + "\"\n}")
    add("GCP service-account key attachment", "GCP access for the BigQuery export", "Key file attached.",
        attachments=[mime.attachment("ex-analytics-7a1c2b.json", sv.gcp_service_account(rng, "ex-analytics").encode(),
                                     "application/json")])
    add("GCP service-account key in the body", "service account", sv.gcp_service_account(rng, "ex-prod-219"))
    # passwords in configuration files
    configs = [
        ("config.yaml", "application/x-yaml",
         f"database:\n  host: db01.example.com\n  port: 5432\n  user: app\n  password: \"{pw()}\"\nredis:\n  host: cache01\n"),
        ("settings.ini", "text/plain", f"[database]\nserver = 10.1.2.3\nuser = erp\npassword = {pw()}\n\n[mail]\nfrom = erp@example.com\n"),
        (".env", "text/plain", f"APP_ENV=production\nDB_HOST=10.1.2.3\nDB_USERNAME=shop\nDB_PASSWORD={pw()}\nREDIS_PASSWORD={pw()}\n"),
        ("docker-compose.yml", "application/x-yaml",
         f"services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: {pw()}\n"),
        ("appsettings.json", "application/json", '{\n  "ConnectionStrings": {\n    "Default": "Server=sql01.example.com;'
         f'Database=erp;User Id=erp_app;Password={pw()};"\n  }}\n}}\n'),
    ]
    for name, ct, data in configs:
        add(f"password in {name}", "配置文件" if name == ".env" else "Config for the new server",
            "配置见附件。" if name == ".env" else "Config attached.", lang="zh" if name == ".env" else "en",
            attachments=[mime.attachment(name, data.encode(), ct)])
    add("password in YAML pasted in the body", "staging config",
        f"Hi,\n\nsmtp:\n  host: smtp.example.com\n  username: notify@example.com\n  password: {pw()}\n")
    add("password in an INI block, Chinese message", "服务器配置",
        f"您好：\n\n[ftp]\nhost = 58.33.12.7\nuser = upload\npassword = {pw()}\n\n谢谢", lang="zh")
    add("JWT and DB URL in a quoted-printable HTML mail", "Prod access",
        f"Token: {sv.jwt(rng, 'carol')}\nDB: postgresql://ops:{pw()}@pg-prod:5432/core", cte="quoted-printable", html=True)
    add("base64 blob of a private key inside a text file", "key", "File attached.",
        attachments=[mime.attachment("id_rsa.txt", ("-----BEGIN RSA PRIVATE KEY-----\n" + b64_block(rng, 1190)
                                                    + "\n-----END RSA PRIVATE KEY-----\n").encode(), "text/plain")])
    return out
