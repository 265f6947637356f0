"""The catalogue's controlled vocabularies: record types, target groups, prevention levels,
settings, evidence ratings, countries and languages. Codes are stored; labels are English,
marked for translation and translated where they are shown."""

from __future__ import annotations

from enum import StrEnum

from eucentre.platform.manifest import N_


class RecordType(StrEnum):
    research = "research"
    programme = "programme"
    training = "training"
    campaign = "campaign"
    helpline = "helpline"


class TargetGroup(StrEnum):
    fear_offending = "fear_offending"
    offended = "offended"
    children = "children"
    parents_carers = "parents_carers"
    professionals = "professionals"
    child_organisations = "child_organisations"
    public = "public"


class Level(StrEnum):
    primary = "primary"
    secondary = "secondary"
    tertiary = "tertiary"


class Setting(StrEnum):
    online = "online"
    telephone = "telephone"
    clinical = "clinical"
    community = "community"
    school = "school"
    justice = "justice"


class Evidence(StrEnum):
    """After INSPIRE, as the Lucy Faithfull Foundation's evidence repository rates."""

    effective = "effective"
    promising = "promising"
    prudent = "prudent"
    pioneering = "pioneering"
    not_rated = "not_rated"


TYPE_LABELS = {
    RecordType.research: N_("Research"),
    RecordType.programme: N_("Programme or initiative"),
    RecordType.training: N_("Training"),
    RecordType.campaign: N_("Campaign material"),
    RecordType.helpline: N_("Helpline or service"),
}
TARGET_LABELS = {
    TargetGroup.fear_offending: N_("People who fear they may offend"),
    TargetGroup.offended: N_("People who have offended"),
    TargetGroup.children: N_("Children"),
    TargetGroup.parents_carers: N_("Parents and carers"),
    TargetGroup.professionals: N_("Professionals"),
    TargetGroup.child_organisations: N_("Organisations working with children"),
    TargetGroup.public: N_("The public"),
}
LEVEL_LABELS = {
    Level.primary: N_("Primary prevention"),
    Level.secondary: N_("Secondary prevention"),
    Level.tertiary: N_("Tertiary prevention"),
}
SETTING_LABELS = {
    Setting.online: N_("Online"),
    Setting.telephone: N_("Telephone"),
    Setting.clinical: N_("Clinical or therapeutic"),
    Setting.community: N_("Community"),
    Setting.school: N_("School or youth work"),
    Setting.justice: N_("Prison, probation or justice"),
}
EVIDENCE_LABELS = {
    Evidence.effective: N_("Effective"),
    Evidence.promising: N_("Promising"),
    Evidence.prudent: N_("Prudent"),
    Evidence.pioneering: N_("Pioneering"),
    Evidence.not_rated: N_("Not rated"),
}

# ISO 3166-1 alpha-2: the Member States, the EEA, and where catalogued work often comes from.
COUNTRIES = {
    "AT": N_("Austria"),
    "BE": N_("Belgium"),
    "BG": N_("Bulgaria"),
    "HR": N_("Croatia"),
    "CY": N_("Cyprus"),
    "CZ": N_("Czechia"),
    "DK": N_("Denmark"),
    "EE": N_("Estonia"),
    "FI": N_("Finland"),
    "FR": N_("France"),
    "DE": N_("Germany"),
    "GR": N_("Greece"),
    "HU": N_("Hungary"),
    "IE": N_("Ireland"),
    "IT": N_("Italy"),
    "LV": N_("Latvia"),
    "LT": N_("Lithuania"),
    "LU": N_("Luxembourg"),
    "MT": N_("Malta"),
    "NL": N_("Netherlands"),
    "PL": N_("Poland"),
    "PT": N_("Portugal"),
    "RO": N_("Romania"),
    "SK": N_("Slovakia"),
    "SI": N_("Slovenia"),
    "ES": N_("Spain"),
    "SE": N_("Sweden"),
    "IS": N_("Iceland"),
    "LI": N_("Liechtenstein"),
    "NO": N_("Norway"),
    "CH": N_("Switzerland"),
    "GB": N_("United Kingdom"),
    "US": N_("United States"),
    "CA": N_("Canada"),
    "AU": N_("Australia"),
}
# ISO 639-1: the EU's official languages and a few more that services are offered in.
LANGUAGES = {
    "bg": N_("Bulgarian"),
    "cs": N_("Czech"),
    "da": N_("Danish"),
    "de": N_("German"),
    "el": N_("Greek"),
    "en": N_("English"),
    "es": N_("Spanish"),
    "et": N_("Estonian"),
    "fi": N_("Finnish"),
    "fr": N_("French"),
    "ga": N_("Irish"),
    "hr": N_("Croatian"),
    "hu": N_("Hungarian"),
    "it": N_("Italian"),
    "lt": N_("Lithuanian"),
    "lv": N_("Latvian"),
    "mt": N_("Maltese"),
    "nl": N_("Dutch"),
    "pl": N_("Polish"),
    "pt": N_("Portuguese"),
    "ro": N_("Romanian"),
    "sk": N_("Slovak"),
    "sl": N_("Slovenian"),
    "sv": N_("Swedish"),
    "no": N_("Norwegian"),
    "is": N_("Icelandic"),
    "uk": N_("Ukrainian"),
    "ru": N_("Russian"),
    "tr": N_("Turkish"),
    "ar": N_("Arabic"),
}

# The facets of a search, in the order pages show them: parameter name -> (labels, title).
FACETS: dict[str, tuple[dict[str, str], str]] = {
    "type": ({k.value: v for k, v in TYPE_LABELS.items()}, N_("Type")),
    "target": ({k.value: v for k, v in TARGET_LABELS.items()}, N_("Target group")),
    "evidence": ({k.value: v for k, v in EVIDENCE_LABELS.items()}, N_("Evidence rating")),
    "country": (COUNTRIES, N_("Country")),
    "language": (LANGUAGES, N_("Language offered")),
}
