"""A minimal example domain: everything a domain can add, in one folder, plugged in by one
line (here `installed().plus(MANIFEST)`, in production a line of eucentre/domains.py).

It greets: a provider may ask how many greetings were sent; a task writes a greeting to the
outbox; the outbox handler sends it again every time the relay runs until it has gone out
three times; staff see a page linked from their navigation; `eucentre greetings count` counts;
its demo data is one greeting; its script is served at /static/greetings/greet.js.
"""

from eucentre.platform.manifest import Command, Manifest, NavEntry

MANIFEST = Manifest(
    name="greetings",
    routers=("tests.platform.greetings.api:router",),
    tasks=("tests.platform.greetings.tasks",),
    outbox=("tests.platform.greetings.outbox:HELLO",),
    commands=(Command("greetings", "tests.platform.greetings.cli:greetings_app"),),
    navigation=(NavEntry("Greetings", "/staff/greetings", roles=frozenset({"analyst"})),),
    scopes={"provider": ("greetings:read",)},
    demo=("tests.platform.greetings.demo:load",),
    static="static",
    # Named here because the test plugs it in with `plus()`, not through `load()`.
    package="tests.platform.greetings",
)
