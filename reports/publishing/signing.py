"""PAdES signatures of published PDFs: the district signs every version it publishes (pyHanko).

`sign_pdf(pdf_bytes)` is one step of the publish task, between WeasyPrint and storage: it appends an
incremental update with an invisible signature field (PAdES baseline B-B, SHA-256) and returns the
signed file, whose SHA-256 the published version stores. The key and the certificate are PEM files
named by the settings (NIANBAO_SIGNING_KEY, NIANBAO_SIGNING_CERT, optional NIANBAO_SIGNING_CHAIN of
CA certificates and NIANBAO_SIGNING_PASSPHRASE); production refuses to start without them
(config/settings/production.py). `make_self_signed` makes a self-signed pair for the demo and the
tests (`manage.py make_signing_cert`; with NIANBAO_SIGNING_SELF_SIGNED the first signature makes one).

Nothing here loads more than the PDF in hand and two small PEM files; no network is used (no
timestamp authority, no revocation fetching).

Cost per signature (a worker signs report after report): loading an RSA key validates it (tens of
milliseconds), and pyHanko's SimpleSigner loaded it three times per signature (the PEM file, then the
key again for the size estimate's dry run and for the signature itself). The signer is therefore
made once per process and kept while the key material is the same (`_signer` is keyed by the files'
identity and the passphrase, so a renewed certificate or key is picked up by the next signature),
and `_KeptKeySigner` signs with the key object it loaded once. pyHanko sizes the room for the
signature by a dry-run signature; the kept signer keeps the size its first signature was given.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import structlog
from django.conf import settings

log = structlog.get_logger(__name__)

FIELD_NAME = "Signature1"
REASON = "政府信息公开工作年度报告发布"


class SigningError(RuntimeError):
    """The PDF could not be signed (no key, a wrong passphrase, an unreadable certificate)."""


@dataclass(frozen=True)
class SigningConfig:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    passphrase: bytes | None

    @property
    def complete(self) -> bool:
        return self.key.is_file() and self.cert.is_file()


def outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs asyncio.run(), which refuses to start inside a running event loop
    (an ASGI server, Playwright's in a test): there the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def signing_config() -> SigningConfig | None:
    """The configured key material, or None when none is configured."""
    key, cert = settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT
    if not key or not cert:
        return None
    chain = tuple(Path(p) for p in settings.NIANBAO_SIGNING_CHAIN)
    passphrase = settings.NIANBAO_SIGNING_PASSPHRASE.encode() if settings.NIANBAO_SIGNING_PASSPHRASE else None
    return SigningConfig(key=Path(key), cert=Path(cert), chain=chain, passphrase=passphrase)


def signer_name() -> str:
    """Who signs a self-signed certificate made here: the district (the first one in the database)."""
    from agencies.models import District

    district = District.objects.order_by("pk").first()
    return f"{district.name}人民政府" if district else settings.SITE_NAME


def make_self_signed(key_path: Path, cert_path: Path, *, name: str, passphrase: bytes | None = None,
                     days: int = 3650, overwrite: bool = False) -> bool:
    """Write a new RSA key and a self-signed certificate for `name`; False when both already exist
    (and `overwrite` is off). Other processes making the same pair at once wait for the first."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key_path, cert_path = Path(key_path), Path(cert_path)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    with open(key_path.parent / ".signing.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if key_path.is_file() and cert_path.is_file() and not overwrite:
            return False
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ])
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                      else serialization.NoEncryption())
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        _write_atomically(key_path, key_pem, mode=0o600)
        _write_atomically(cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    log.info("signing_cert_created", cert=str(cert_path), name=name)
    return True


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _ready_config() -> SigningConfig | None:
    config = signing_config()
    if config is not None and not config.complete and settings.NIANBAO_SIGNING_SELF_SIGNED:
        make_self_signed(config.key, config.cert, name=signer_name(), passphrase=config.passphrase)
    if config is None or not config.complete:
        if settings.NIANBAO_SIGNING_REQUIRED:
            raise SigningError("未配置签名证书（NIANBAO_SIGNING_KEY / NIANBAO_SIGNING_CERT），不能发布未签名的 PDF。")
        return None
    return config


_SIGNERS: dict[tuple, object] = {}
_SIGNERS_LOCK = threading.Lock()


def _file_identity(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _signer(config: SigningConfig):
    """The signer of this key material, made once per process (see the module's docstring)."""
    try:
        identity = (tuple(_file_identity(p) for p in (config.key, config.cert, *config.chain)), config.passphrase)
    except OSError as exc:
        raise SigningError(f"签名证书或私钥无法读取：{exc}") from exc
    with _SIGNERS_LOCK:
        signer = _SIGNERS.get(identity)
        if signer is None:
            signer = _load_signer(config)
            _SIGNERS.clear()  # only the current key material is kept
            _SIGNERS[identity] = signer
    return signer


def _load_signer(config: SigningConfig):
    from pyhanko.sign import signers

    loaded = signers.SimpleSigner.load(str(config.key), str(config.cert),
                                       ca_chain_files=[str(p) for p in config.chain] or None,
                                       key_passphrase=config.passphrase)
    if loaded is None:  # pyHanko logs the reason and returns None
        raise SigningError("签名证书或私钥无法读取（文件损坏或口令错误）。")
    return _kept_key_signer_class()(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                                    cert_registry=loaded.cert_registry)


_KEPT_KEY_SIGNER = None


def _kept_key_signer_class():
    """SimpleSigner that signs with the cryptography key object it loaded once, for the mechanisms
    our keys use (RSA PKCS#1 v1.5 and PSS, ECDSA); any other mechanism goes through pyHanko's own code."""
    global _KEPT_KEY_SIGNER
    if _KEPT_KEY_SIGNER is not None:
        return _KEPT_KEY_SIGNER
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

    class KeptKeySigner(signers.SimpleSigner):
        _private_key = None

        def private_key(self):
            if self._private_key is None:
                self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            return self._private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            key = self.private_key()
            if algorithm == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if algorithm == "rsassa_pss" and isinstance(key, RSAPrivateKey):
                padding, hash_algorithm = process_pss_params(mechanism["parameters"])
                return key.sign(data, padding, hash_algorithm)
            if algorithm == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, signature_algorithm=ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            return super().sign_raw(data, digest_algorithm)

    _KEPT_KEY_SIGNER = KeptKeySigner
    return KeptKeySigner


def sign_pdf(pdf_bytes: bytes) -> bytes:
    """The PDF with the district's PAdES signature appended (incremental update); unchanged, with a
    warning, where signing is neither configured nor required (a development machine)."""
    config = _ready_config()
    if config is None:
        log.warning("pdf_not_signed", reason="no signing key configured")
        return pdf_bytes
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256", reason=REASON,
                                            subfilter=fields.SigSeedSubFilter.PADES)
    kept = _signer(config)
    reserved = getattr(kept, "_nianbao_bytes_reserved", None)
    signed = outside_event_loop(signers.PdfSigner(metadata, signer=kept).sign_pdf, writer,
                                bytes_reserved=reserved).getvalue()
    if reserved is None:
        kept._nianbao_bytes_reserved = _bytes_reserved(signed)
    log.info("pdf_signed", size=len(signed))
    return signed


def _bytes_reserved(signed: bytes) -> int | None:
    """The room pyHanko reserved for the signature in this file (its /Contents, as hexadecimal digits).
    pyHanko sizes it with a dry-run signature (a third of a signature's CPU) from nothing but the key
    material (no timestamp authority, no revocation data), so the first signature of a signer sizes it
    and the next ones reuse the size (sign_pdf). None (sized again next time) if it cannot be read:
    the file is signed all the same."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        contents = PdfFileReader(BytesIO(signed), strict=False).embedded_signatures[0].sig_object["/Contents"]
        return 2 * len(contents)
    except Exception as exc:  # pyHanko's reader errors: an optimisation must not fail a publication
        log.warning("signature_size_unread", error=f"{type(exc).__name__}: {exc}"[:200])
        return None


def trust_roots() -> list:
    """The certificates a signature of ours chains to: the CA chain when one is configured, else the
    (self-signed) signing certificate itself."""
    from pyhanko.keys import load_certs_from_pemder

    config = signing_config()
    if config is None:
        return []
    paths = [p for p in config.chain if p.is_file()] or ([config.cert] if config.cert.is_file() else [])
    return list(load_certs_from_pemder([str(p) for p in paths])) if paths else []
