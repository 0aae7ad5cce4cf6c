"""Passphrase subcommands: ``genomap encrypt``, ``genomap decrypt``, ``genomap passphrase``.

Passphrases come from ``GENOMAP_PASSPHRASE`` or a prompt (see
:mod:`genomap.store.crypto`); every other command that opens a file asks for
an encrypted file's passphrase the same way (through ``open_document``).
For ``passphrase`` (change), ``GENOMAP_PASSPHRASE`` is the current one and
``GENOMAP_NEW_PASSPHRASE`` the new one.
"""

from __future__ import annotations

import argparse
import os

from genomap.cli import subcommand
from genomap.cli_commands.files import arguments

NEW_ENV_VAR = "GENOMAP_NEW_PASSPHRASE"


def _file(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the GenoMap file (it must not be open elsewhere)")


@subcommand("encrypt", help="Protect a GenoMap file with a passphrase (SQLCipher, AES-256), in place.")
@arguments(_file)
def cmd_encrypt(args: argparse.Namespace) -> int:
    from genomap.store import crypto

    secret = crypto.new_passphrase_from_terminal(args.file)
    crypto.encrypt_file(args.file, secret)
    print(f"Encrypted {args.file}: it now opens only with its passphrase. Keep the passphrase safe: "
          "without it nobody, including GenoMap's developers, can recover the file.")
    return 0


@subcommand("decrypt", help="Remove the passphrase protection of a GenoMap file, in place.")
@arguments(_file)
def cmd_decrypt(args: argparse.Namespace) -> int:
    from genomap.store import crypto

    crypto.decrypt_file(args.file)
    print(f"Decrypted {args.file}: anyone who can read the file can now read the family maps in it.")
    return 0


@subcommand("passphrase", help=f"Change the passphrase of an encrypted GenoMap file "
            f"(current one from the prompt or GENOMAP_PASSPHRASE, new one from the prompt or {NEW_ENV_VAR}).")
@arguments(_file)
def cmd_passphrase(args: argparse.Namespace) -> int:
    from genomap.store import backups, crypto
    from genomap.store.files import open_document

    with open_document(args.file) as doc:
        if not crypto.is_encrypted(doc):
            print(f"genomap: '{args.file}' has no passphrase; use 'genomap encrypt' first.")
            return 2
        new = os.environ.get(NEW_ENV_VAR)
        if new:
            crypto.check_new_passphrase(new)
            secret = crypto.Secret(new)
        else:
            old = os.environ.pop(crypto.ENV_VAR, None)
            try:
                secret = crypto.new_passphrase_from_terminal(args.file)
            finally:
                if old is not None:
                    os.environ[crypto.ENV_VAR] = old
        crypto.change_passphrase(doc, secret)
        backups.after_passphrase_change(doc)
    print(f"Changed the passphrase of {args.file}. Older backups (under the old passphrase) were removed.")
    return 0
