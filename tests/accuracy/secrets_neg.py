"""Hard negatives for secrets: documented example keys, placeholders, empty key armour,
public keys and certificates, references to a vault instead of a value, checksums and ids."""

from __future__ import annotations

import hashlib
import random

from tests.accuracy import mime
from tests.accuracy import secret_values as sv
from tests.accuracy.common import Sample, outbound, signature, simple
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_EXT, ZH_STAFF, b64_block, rand

CAT = "secrets"

BODIES = [
    ("en", "AWS setup guide", "For the SDK, put your keys in ~/.aws/credentials, e.g.\n\n[default]\naws_access_key_id = "
     "AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n(these are AWS's documented "
     "example values - use your own)."),
    ("en", "Where to paste the key", "In the portal, paste your private key between the markers:\n\n-----BEGIN RSA PRIVATE "
     "KEY-----\n-----END RSA PRIVATE KEY-----\n\nand click Upload."),
    ("en", "Key format", "The file should look like this:\n\n-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH "
     "PRIVATE KEY-----"),
    ("zh", "证书上传说明", "请把私钥粘贴在下面两行之间：\n-----BEGIN PRIVATE KEY-----\n<在此粘贴私钥>\n-----END PRIVATE KEY-----"),
    ("en", "CI variables", "Set GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx in the repository secrets, never in the "
     "workflow file."),
    ("en", "Slack bot setup", "export SLACK_BOT_TOKEN=xoxb-your-bot-token\nexport SLACK_SIGNING_SECRET=your-signing-secret\n"
     "Then run npm start."),
    ("en", "Webhook format", "Incoming webhooks look like https://hooks.slack.com/services/T00000000/B00000000/"
     "XXXXXXXXXXXXXXXXXXXXXXXX - create yours under Apps > Incoming Webhooks."),
    ("en", "Connection string format", "Use the format postgresql://<user>:<password>@<host>:5432/<database>; "
     "for MongoDB mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/."),
    ("en", "Local dev database", "Locally the app connects to postgresql://localhost:5432/orders_dev with your OS "
     "user (trust auth), no password needed."),
    ("zh", "环境变量说明", "生产环境的密码不要写在配置文件里，用环境变量引用：\nDB_PASSWORD=${DB_PASSWORD}\nREDIS_PASSWORD=${REDIS_PASSWORD}"),
    ("en", "Ansible vars", "database:\n  user: app\n  password: \"{{ vault_db_password }}\"\n\nThe real value lives in "
     "Ansible Vault."),
    ("en", "Password policy reminder", "Passwords must be at least 12 characters and are rotated every 90 days. Never "
     "send a password by email - share it through 1Password."),
    ("zh", "密码重置通知", "您的门户账户密码已于今日重置。如非本人操作，请立即联系IT服务台。密码要求：至少12位，包含大小写字母和数字。"),
    ("en", "Azure Storage emulator", "The emulator uses the well-known development account:\nDefaultEndpointsProtocol=http;"
     "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
     "KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"),
    ("en", "Stripe docs", "The docs use sk_test_4eC39HqLyjWDarjtT1zdp7dc as the example key - replace it with your own "
     "test key from the dashboard."),
    ("en", "GitHub docs excerpt", "From GitHub's docs: curl -H \"Authorization: Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a\""
     " https://api.github.com/user"),
    ("zh", "阿里云密钥配置", "在 ~/.aliyun/config.json 中填写：\nAccessKeyId: LTAI****************\nAccessKeySecret: "
     "******************************\n不要把真实密钥发邮件。"),
    ("zh", "腾讯云SDK示例", "SecretId: AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nSecretKey: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
     "（请替换为您自己的密钥）"),
    ("en", "JWT structure", "A JWT looks like eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.<signature> "
     "- header, payload and signature, base64url-encoded."),
    ("en", "MySQL container", "docker run -e MYSQL_ROOT_PASSWORD=my-secret-pw -d mysql:8  (the example from the image's "
     "README; our real one is in the vault)."),
    ("en", "Password manager", "The admin password for the router is in 1Password under \"Office network / Router\"."),
    ("zh", "账号开通", "您的账号已开通，用户名为 zhangmin，初始密码已通过短信发送到您的手机，首次登录需修改。"),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []
    eng = [p for p in EN_STAFF if "Engineer" in p.title or "DevOps" in p.title]

    def add(note: str, subject: str, body: str, *, lang: str = "en", attachments: list[mime.Part] | None = None,
            cte: str = "8bit", html: bool = False) -> None:
        s = rng.choice(ZH_STAFF if lang == "zh" else eng)
        r = rng.choice(ZH_EXT[:4] if lang == "zh" else EN_EXT[:4])
        mail = simple(s, r, subject, body + "\n\n" + signature(s, lang), attachments=attachments, cte=cte, html=html)
        out.append(outbound(f"sec-neg-{len(out) + 1:03d}", CAT, "delivered", note, mail))

    for i, (lang, subj, body) in enumerate(BODIES):
        add(f"example/placeholder: {subj}", subj, body, lang=lang, html=i % 7 == 3, cte="quoted-printable" if i % 5 == 4 else "8bit")
    # public keys and certificates
    add("PGP public key in an .asc attachment", "My public key", "My public key is attached - please encrypt to it.",
        attachments=[mime.attachment("bob_pub.asc", sv.pgp_public(rng).encode(), "application/pgp-keys")])
    add("X.509 certificate (public)", "Our CA certificate", "Please import our CA certificate:\n\n"
        + sv.pem(rng, "CERTIFICATE", 900))
    add("certificate file attachment", "Server certificate", "Certificate chain attached.",
        attachments=[mime.attachment("example_com.crt", (sv.pem(rng, "CERTIFICATE", 1100) + "\n").encode(),
                                     "application/x-x509-ca-cert")])
    add("SSH public key", "Access to the SFTP server", "Please add my public key:\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
        + rand(rng, 43) + " bob@laptop\n")
    add("SSH RSA public key in a .pub attachment", "key", "Attached.",
        attachments=[mime.attachment("id_rsa.pub", ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + b64_block(rng, 380, 10**6)
                                                    + " carol@example.com\n").encode(), "text/plain")])
    # high-entropy values that are not secrets
    digests = "\n".join(f"{hashlib.sha256(rng.randbytes(16)).hexdigest()}  mailwarden-1.{i}.tar.gz" for i in range(3))
    add("SHA-256 checksums in release notes", "Release 1.4 checksums", "Checksums:\n\n" + digests)
    add("git commit hashes and UUIDs", "Deployed build", f"Deployed commit {rand(rng, 40, '0123456789abcdef')} "
        f"(request id {rand(rng, 8, '0123456789abcdef')}-{rand(rng, 4, '0123456789abcdef')}-4e21-9c3a-"
        f"{rand(rng, 12, '0123456789abcdef')}).")
    add("container image digest", "Image pinned", f"image: registry.example.com/app@sha256:{rand(rng, 64, '0123456789abcdef')}")
    add("GCP service-account template with no key", "Service account JSON format", "{\n  \"type\": \"service_account\",\n"
        "  \"project_id\": \"<project-id>\",\n  \"private_key_id\": \"<key-id>\",\n  \"private_key\": \"-----BEGIN PRIVATE "
        "KEY-----\\n...\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"<name>@<project-id>.iam.gserviceaccount.com\"\n}")
    add("config file with empty and referenced passwords", "Config template", "Template attached.",
        attachments=[mime.attachment("config.example.yaml", b"database:\n  host: localhost\n  user: app\n  password: \"\"\n"
                                     b"# password: set DB_PASSWORD in the environment\n", "application/x-yaml")])
    add(".env.example with placeholders", ".env template", "Attached.",
        attachments=[mime.attachment(".env.example", b"DB_PASSWORD=changeme\nAPI_KEY=your-api-key-here\n"
                                     b"AWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=\n", "text/plain")])
    add("one-time verification code", "Your verification code", "Your verification code is 482913. It expires in 10 minutes.")
    return out
