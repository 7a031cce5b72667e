"""RS256 key pairs: generate one, write it to a git-ignored folder, check the configured one.

Run as `python -m {{ cookiecutter.project_slug }}.authentication.keys [folder]` (what
`make keys` and the post-generation hook do); needs only the cryptography package.
"""

import sys
from collections.abc import Callable
from pathlib import Path

PRIVATE_KEY_FILE = "jwt_private_key.pem"
PUBLIC_KEY_FILE = "jwt_public_key.pem"
# NIST SP 800-131A: RSA keys shorter than this no longer protect signatures.
MIN_KEY_SIZE = 2048


class KeyPairError(ValueError):
    """The configured key pair cannot sign and verify tokens; the message names the variable."""


def generate_key_pair(key_size: int = MIN_KEY_SIZE) -> tuple[str, str]:
    """Return a new RSA key pair as (private PEM, public PEM) strings."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode(), public_pem.decode()


def write_key_pair(folder: Path) -> None:
    """Write a new key pair into the folder; the private key readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_key_pair()
    private_file = folder / PRIVATE_KEY_FILE
    private_file.touch(mode=0o600)
    private_file.write_text(private_pem)
    (folder / PUBLIC_KEY_FILE).write_text(public_pem)


def check_key_file(name: str, path: str) -> None:
    """Raise KeyPairError, naming {name}_FILE, unless the file it names can be read."""
    try:
        Path(path).read_bytes()
    except OSError as error:
        raise KeyPairError(f"{name}_FILE: cannot read {path} ({error.strerror})") from error


def check_key_pair(private_pem: str, public_pem: str) -> None:
    """Raise KeyPairError, naming the variable, unless the PEMs are a strong RSA private key and its public key."""
    private_key = load_private_key(private_pem)
    public_key = load_public_key(public_pem)
    check_key_size("JWT_PRIVATE_KEY", private_key)
    check_key_size("JWT_PUBLIC_KEY", public_key)
    if private_key.public_key().public_numbers() != public_key.public_numbers():
        raise KeyPairError("JWT_PUBLIC_KEY is not the public key of JWT_PRIVATE_KEY: set both from one pair")


def check_key_size(name: str, key) -> None:
    """Raise KeyPairError, naming the variable, when the RSA key is shorter than MIN_KEY_SIZE bits."""
    if key.key_size < MIN_KEY_SIZE:
        raise KeyPairError(
            f"{name} (or the file {name}_FILE names) is a {key.key_size}-bit RSA key: use {MIN_KEY_SIZE} bits "
            "or more (`make keys` writes a new pair)"
        )


def load_private_key(pem: str):
    """Return the RSA private key in the PEM, or raise KeyPairError naming JWT_PRIVATE_KEY."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = parsed_or_none(lambda: load_pem_private_key(pem.encode(), password=None))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise not_a_key("JWT_PRIVATE_KEY", "an unencrypted PEM RSA private key")
    return key


def load_public_key(pem: str):
    """Return the RSA public key in the PEM, or raise KeyPairError naming JWT_PUBLIC_KEY."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = parsed_or_none(lambda: load_pem_public_key(pem.encode()))
    if not isinstance(key, rsa.RSAPublicKey):
        raise not_a_key("JWT_PUBLIC_KEY", "a PEM RSA public key")
    return key


def parsed_or_none(parse: Callable):
    """Return what parse() returns, or None when the PEM is garbage, encrypted or of an unknown type."""
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        return parse()
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None


def not_a_key(name: str, kind: str) -> KeyPairError:
    # The key comes from the variable itself or, when that is unset, from the file.
    return KeyPairError(f"{name} (or the file {name}_FILE names) is not {kind}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "keys")
    write_key_pair(target)
    print(f"wrote {target / PRIVATE_KEY_FILE} and {target / PUBLIC_KEY_FILE}")
