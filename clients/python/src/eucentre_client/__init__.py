"""eucentre-client: hash files on the device and turn the hashes into private-matching
vouchers against the Centre's list bundle (docs/private-matching.md).

`media` (hashing) and `psi` (the protocol) are the server's own modules, shipped as they are.
"""

__version__ = "0.1.0"
