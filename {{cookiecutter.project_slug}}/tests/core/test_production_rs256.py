"""config.settings.production with RS256: a missing, unreadable, mismatched or weak key is one error line."""

import shutil
import subprocess

import pytest

from {{ cookiecutter.project_slug }}.authentication.keys import generate_key_pair

from tests.support.production import error_lines, manage, production_environment


def bad_key_message(variable: str, kind: str) -> str:
    return f"error: {variable} (or the file {variable}_FILE names) is not {kind} (see .env.example)"


def test_a_private_key_file_that_holds_no_key_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path)
    del env["JWT_PRIVATE_KEY"]
    env["JWT_PRIVATE_KEY_FILE"] = "/etc/hostname"

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [bad_key_message("JWT_PRIVATE_KEY", "an unencrypted PEM RSA private key")]


def test_a_public_key_that_is_no_key_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n"}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [bad_key_message("JWT_PUBLIC_KEY", "a PEM RSA public key")]


def test_keys_of_two_different_pairs_are_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": generate_key_pair()[1]}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [
        "error: JWT_PUBLIC_KEY is not the public key of JWT_PRIVATE_KEY: set both from one pair (see .env.example)"
    ]


@pytest.mark.parametrize("reason", ["No such file or directory", "Is a directory"])
def test_a_key_file_that_cannot_be_read_is_one_clear_error_line(tmp_path, reason):
    key_file = tmp_path / "missing.pem" if reason.startswith("No such") else tmp_path
    env = production_environment(tmp_path)
    del env["JWT_PRIVATE_KEY"]
    env["JWT_PRIVATE_KEY_FILE"] = str(key_file)

    result = manage(env, "check")

    assert error_lines(result) == [f"error: JWT_PRIVATE_KEY_FILE: cannot read {key_file} ({reason}) (see .env.example)"]


def weak_key_message(variable: str, bits: int) -> str:
    return (
        f"error: {variable} (or the file {variable}_FILE names) is a {bits}-bit RSA key: use 2048 bits or more "
        "(`make keys` writes a new pair) (see .env.example)"
    )


def openssl_key_pair(bits: int) -> tuple[str, str]:
    """Return an RSA key pair of any size, even one the cryptography package no longer generates."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    private_pem = subprocess.run(
        [shutil.which("openssl"), "genrsa", str(bits)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    public_key = load_pem_private_key(private_pem.encode(), password=None).public_key()
    public_pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem.decode()


@pytest.mark.parametrize("bits", [512, 1024])
def test_an_rsa_key_pair_under_2048_bits_is_one_clear_error_line(tmp_path, bits):
    if bits < 1024 and not shutil.which("openssl"):
        pytest.skip("the cryptography package generates no key under 1024 bits, and openssl is missing")
    private_pem, public_pem = generate_key_pair(bits) if bits >= 1024 else openssl_key_pair(bits)
    env = production_environment(tmp_path) | {"JWT_PRIVATE_KEY": private_pem, "JWT_PUBLIC_KEY": public_pem}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [weak_key_message("JWT_PRIVATE_KEY", bits)]


def test_a_public_key_under_2048_bits_is_named_even_beside_a_strong_private_key(tmp_path):
    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": generate_key_pair(1024)[1]}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [weak_key_message("JWT_PUBLIC_KEY", 1024)]
