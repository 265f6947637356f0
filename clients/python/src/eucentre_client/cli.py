"""`eucentre-client`: the client's command line (argparse only: no framework to install).

    eucentre-client account STATE [--threshold 30]     create an account's secret state
    eucentre-client verify --bundle B --root ROOT      check a bundle against the published root
    eucentre-client voucher --bundle B --state STATE --account ID [--root ROOT] FILE...
                                                       vouchers as JSON Lines on stdout

Exit status: 0 done, 1 some files could not be hashed (each reported on stderr as JSON),
2 usage or a refused bundle / state.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .psi.account import DEFAULT_THRESHOLD, Account
from .psi.bundle import BundleError, parse
from .psi.voucher import to_line

MAX_BUNDLE_BYTES = 1 << 34


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eucentre-client",
        description="Hash images on the device and make private-matching vouchers.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    account = commands.add_parser("account", help="create an account's secret state file")
    account.add_argument("state", type=Path)
    account.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    verify = commands.add_parser("verify", help="check a bundle against the published root")
    verify.add_argument("--bundle", type=Path, required=True)
    verify.add_argument("--root", required=True, help="the root the Centre published")
    voucher = commands.add_parser("voucher", help="vouchers for files, as JSON Lines")
    voucher.add_argument("--bundle", type=Path, required=True)
    voucher.add_argument("--state", type=Path, required=True, help="made by `account`")
    voucher.add_argument("--account", required=True, help="the account the vouchers are for")
    voucher.add_argument("--root", help="refuse the bundle unless its root is this one")
    voucher.add_argument("files", type=Path, nargs="+")
    return parser


def _fail(code: str, message: str) -> int:
    print(json.dumps({"error": {"code": code, "message": message}}), file=sys.stderr)
    return 2


def _bundle(path: Path, root: str | None):  # type: ignore[no-untyped-def]
    if path.stat().st_size > MAX_BUNDLE_BYTES:
        raise BundleError("bundle file too large")
    return parse(path.read_bytes(), expected_root=root)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "account":
        if args.state.exists():
            return _fail("state_exists", f"{args.state} exists; an account is created once")
        try:
            account = Account.create(threshold=args.threshold)
        except ValueError as exc:
            return _fail("invalid_threshold", str(exc))
        account.save(args.state)
        enrol = {"mac_key": account.to_json()["mac_key"], "threshold": account.threshold}
        print(json.dumps(enrol))
        return 0
    try:
        bundle = _bundle(args.bundle, args.root)
    except OSError as exc:
        return _fail("bundle_unreadable", f"{args.bundle}: {exc.strerror or exc}")
    except BundleError as exc:
        return _fail(exc.code, str(exc))
    if args.command == "verify":
        print(
            json.dumps(
                {"version": bundle.version, "root": bundle.root, "keys": bundle.header["keys"]}
            )
        )
        return 0
    try:
        account = Account.load(args.state)
    except (OSError, ValueError, KeyError) as exc:
        return _fail("state_unreadable", f"{args.state}: {exc}")
    from .vouchering import vouchers  # loads numpy and Pillow only when hashing

    failed = 0
    try:
        for path, made, error in vouchers(account, bundle, args.account, args.files):
            if made is None:
                failed += 1
                print(json.dumps({"path": str(path), "error": error}), file=sys.stderr)
            else:
                print(to_line(args.account, made))
    finally:
        account.save(args.state)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
