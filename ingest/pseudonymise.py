"""Keyed pseudonymisation of National Insurance numbers.

``person_key`` = HMAC-SHA256(secret key, normalised NINO), in hex (MI spec §4).
The key comes from ``MI_PSEUDONYMISATION_KEY`` (the key itself),
``MI_PSEUDONYMISATION_KEY_FILE`` (a file outside the repository), or else
``MI_HOME/secrets/pseudonymisation.key``, generated on first use with mode 0600.

Not for: masking values in feedback (``ingest/validate.py``) or anything that
keeps a clear NINO: nothing here logs or stores one.

Notes:
    Plain hashing is not enough: there are fewer than a billion NINOs, so an
    unkeyed hash is reversed by enumeration in minutes. Without the key the
    pseudonyms cannot be recomputed; with it, the same person always gets the
    same key across providers and the employment evidence, which is the point.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import polars as pl

from contracts_schema.checks import normalise_nino
from mi.settings import paths


class KeyError_(RuntimeError):
    """The configured key cannot be used."""


def _key_path() -> Path:
    configured = os.environ.get("MI_PSEUDONYMISATION_KEY_FILE")
    return Path(configured) if configured else paths().secrets / "pseudonymisation.key"


def load_key(*, create: bool = True) -> bytes:
    """The HMAC key, generating a local one (0600) when none is configured."""
    direct = os.environ.get("MI_PSEUDONYMISATION_KEY")
    if direct:
        if len(direct) < 32:
            raise KeyError_("MI_PSEUDONYMISATION_KEY must be at least 32 characters")
        return direct.encode("utf-8")
    path = _key_path()
    if not path.exists():
        if not create or os.environ.get("MI_PSEUDONYMISATION_KEY_FILE"):
            raise KeyError_(f"no pseudonymisation key at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise KeyError_(f"the key in {path} is too short")
    return key


def person_key(nino: str, key: bytes) -> str:
    normalised = "".join(nino.split()).upper()
    return hmac.digest(key, normalised.encode("ascii", "replace"), hashlib.sha256).hex()


HMAC_BLOCK = 64


def person_keys(ninos: pl.Series, key: bytes) -> pl.Series:
    """Pseudonymise a whole column: the same HMAC-SHA256 as :func:`person_key`, vectorised.

    Notes:
        A Python loop over ``hmac.digest`` costs ~30 s for a national file of
        two million people; DuckDB's ``sha256`` runs the same construction
        (RFC 2104: H((K^opad) || H((K^ipad) || m))) on both cores in a few
        seconds. A test holds the two implementations to the same answers.
    """
    import duckdb

    block = (hashlib.sha256(key).digest() if len(key) > HMAC_BLOCK else key).ljust(HMAC_BLOCK, b"\0")
    inner_pad = bytes(b ^ 0x36 for b in block).hex()
    outer_pad = bytes(b ^ 0x5C for b in block).hex()
    frame = ninos.to_frame("n").select(normalise_nino(pl.col("n")).alias("nino"))
    with duckdb.connect() as con:
        con.register("ninos", frame.to_arrow())
        table = con.sql(
            "select sha256(unhex($outer) || unhex(sha256(unhex($inner) || encode(nino)))) as person_key from ninos",
            params={"outer": outer_pad, "inner": inner_pad},
        ).to_arrow_table()
    return pl.from_arrow(table)["person_key"].alias("person_key")
