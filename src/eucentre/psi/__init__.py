"""Private matching: the cryptographic protocol between a device, the provider's matching
service and the Centre (docs/private-matching.md says what it is and what each party learns).

Pure like `media/`: no database, web framework or domain, and no import of the rest of
`eucentre` (its modules import one another relatively). The on-device client
(`clients/python`) ships this folder as `eucentre_client.psi`, so the protocol exists once:
the Centre builds bundles with it, devices make vouchers with it, the service opens them with it.
"""
