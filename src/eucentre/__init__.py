"""eucentre: the operational platform of the European Centre to prevent and counter child
sexual abuse."""

__version__ = "0.1.0"
