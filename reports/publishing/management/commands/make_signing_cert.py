"""Make a self-signed signing key and certificate for the district, where the settings name them
(NIANBAO_SIGNING_KEY / NIANBAO_SIGNING_CERT, encrypted with NIANBAO_SIGNING_PASSPHRASE if set), or
where --key / --cert say: for the demo, a trial or the tests. A real deployment uses the district's
certificate from its CA instead. Existing files are kept unless --force.

`manage.py make_signing_cert --name 北京市东城区人民政府 --key deploy/signing/signing-key.pem
--cert deploy/signing/signing-cert.pem`"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.publishing.signing import make_self_signed, signer_name


class Command(BaseCommand):
    help = "生成区政府的自签名签名证书（演示、试用、测试）。"

    def add_arguments(self, parser):
        parser.add_argument("--name", help="签名人名称（默认：区名 + 人民政府）")
        parser.add_argument("--key", help="私钥 PEM 文件路径（默认：NIANBAO_SIGNING_KEY）")
        parser.add_argument("--cert", help="证书 PEM 文件路径（默认：NIANBAO_SIGNING_CERT）")
        parser.add_argument("--days", type=int, default=3650, help="有效天数")
        parser.add_argument("--force", action="store_true", help="覆盖已有的文件")

    def handle(self, *args, name=None, key=None, cert=None, days=3650, force=False, **options):
        key = key or settings.NIANBAO_SIGNING_KEY
        cert = cert or settings.NIANBAO_SIGNING_CERT
        if not key or not cert:
            raise CommandError("请用 --key 和 --cert 指定文件，或设置 NIANBAO_SIGNING_KEY 和 NIANBAO_SIGNING_CERT。")
        if days < 1:
            raise CommandError("有效天数必须大于 0。")
        passphrase = settings.NIANBAO_SIGNING_PASSPHRASE.encode() or None
        made = make_self_signed(Path(key), Path(cert), name=name or signer_name(), passphrase=passphrase,
                                days=days, overwrite=force)
        if made:
            self.stdout.write(f"已生成签名证书：{cert}（私钥：{key}）")
        else:
            self.stdout.write(f"签名证书已存在，未改动：{cert}（用 --force 重新生成）")
