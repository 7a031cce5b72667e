"""RS256 key pairs: generate one, write it to a git-ignored folder.

Run as `python -m {{ cookiecutter.project_slug }}.authentication.keys [folder]` (what
`make keys` and the post-generation hook do); needs only the cryptography package.
"""

import sys
from pathlib import Path

PRIVATE_KEY_FILE = "jwt_private_key.pem"
PUBLIC_KEY_FILE = "jwt_public_key.pem"


def generate_key_pair(key_size: int = 2048) -> tuple[str, str]:
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


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "keys")
    write_key_pair(target)
    print(f"wrote {target / PRIVATE_KEY_FILE} and {target / PUBLIC_KEY_FILE}")
