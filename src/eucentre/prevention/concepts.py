"""The catalogue's own multilingual concept scheme: a few dozen concepts of the prevention
field, each with labels in English, German and French (and Dutch, Spanish, Italian, Polish and
Swedish). A record is tagged with a concept by its editors, and automatically wherever one of
the concept's labels occurs in its text, in any language; a query that names a concept in any
language is expanded to the concept and to all its labels. So "Täterprävention" finds an English
record about perpetration prevention.

Pure: no database. Labels are matched word by word on their index keys (text.py), so
inflections ("Hilfetelefone") and diacritics do not matter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from eucentre.prevention import text

LABEL_LANGUAGES = ("en", "de", "fr", "nl", "es", "it", "pl", "sv")
TOKEN_PREFIX = "zzc"  # noqa: S105 - concept tokens in the index: no word of any language starts so


@dataclass(frozen=True)
class Concept:
    id: str
    labels: dict[str, tuple[str, ...]]

    @property
    def token(self) -> str:
        return TOKEN_PREFIX + self.id.replace("_", "")

    def label(self, language: str) -> str:
        """The preferred label in a language (English when there is none)."""
        return (self.labels.get(language) or self.labels["en"])[0]


def _c(concept_id: str, **labels: str) -> Concept:
    return Concept(
        concept_id,
        {lang: tuple(part.strip() for part in value.split("|")) for lang, value in labels.items()},
    )


SCHEME: tuple[Concept, ...] = (
    _c(
        "child_sexual_abuse",
        en="child sexual abuse|sexual abuse of children|child abuse",
        de="sexueller Kindesmissbrauch|sexueller Missbrauch von Kindern|Kindesmissbrauch|"
        "sexualisierte Gewalt gegen Kinder",
        fr="abus sexuels sur les enfants|abus sexuel d'enfants|violences sexuelles faites aux "
        "enfants|pédocriminalité",
        nl="seksueel kindermisbruik|seksueel misbruik van kinderen|kindermisbruik",
        es="abuso sexual infantil|abuso sexual de menores",
        it="abuso sessuale su minori|abuso sessuale infantile",
        pl="wykorzystywanie seksualne dzieci",
        sv="sexuella övergrepp mot barn",
    ),
    _c(
        "abuse_material",
        en="child sexual abuse material|CSAM|child abuse images|indecent images of children",
        de="Missbrauchsdarstellungen|Kinderpornografie|Kinderpornographie",
        fr="matériel d'abus sexuels sur enfants|pédopornographie|contenus pédopornographiques",
        nl="kindermisbruikmateriaal|kinderporno|kinderpornografie",
        es="material de abuso sexual infantil|pornografía infantil",
        it="materiale pedopornografico|pedopornografia",
        pl="pornografia dziecięca",
        sv="övergreppsmaterial|barnpornografi",
    ),
    _c(
        "grooming",
        en="grooming|online grooming|solicitation of children",
        de="Grooming|Cybergrooming",
        fr="pédopiégeage|grooming|sollicitation d'enfants",
        nl="grooming",
        es="grooming|ciberacoso sexual a menores",
        it="adescamento|adescamento di minori|grooming",
        pl="grooming|uwodzenie dzieci",
        sv="grooming",
    ),
    _c(
        "help_seekers",
        en="people who fear they may offend|sexual interest in children|paedophilia|pedophilia|"
        "help-seekers",
        de="Pädophilie|pädophile Neigung|sexuelles Interesse an Kindern|Hilfesuchende",
        fr="pédophilie|attirance sexuelle pour les enfants|personnes attirées sexuellement par "
        "les enfants",
        nl="pedofilie|pedofiele gevoelens",
        es="pedofilia|atracción sexual hacia menores",
        it="pedofilia",
        pl="pedofilia",
        sv="pedofili",
    ),
    _c(
        "offenders",
        en="offenders|perpetrators|sex offenders|people who have offended",
        de="Täter|Sexualstraftäter|Täterinnen",
        fr="auteurs de violences sexuelles|auteurs d'infractions sexuelles|délinquants sexuels",
        nl="daders|zedendelinquenten",
        es="agresores sexuales|delincuentes sexuales",
        it="autori di reati sessuali|sex offender",
        pl="sprawcy|przestępcy seksualni",
        sv="förövare|sexualbrottslingar",
    ),
    _c(
        "perpetration_prevention",
        en="perpetration prevention|offender prevention|prevention of offending",
        de="Täterprävention|Prävention sexueller Übergriffe",
        fr="prévention du passage à l'acte|prévention de la récidive",
        nl="daderpreventie",
        es="prevención de la agresión sexual",
        it="prevenzione della recidiva",
        pl="zapobieganie przestępczości seksualnej",
        sv="förebyggande av sexualbrott",
    ),
    _c(
        "helpline",
        en="helpline|hotline|telephone support",
        de="Hilfetelefon|Beratungstelefon|Telefonberatung",
        fr="ligne d'écoute|ligne d'assistance|écoute téléphonique",
        nl="hulplijn|telefonische hulp",
        es="línea de ayuda|teléfono de ayuda",
        it="linea di ascolto|linea di assistenza",
        pl="telefon zaufania",
        sv="stödlinje|hjälplinje",
    ),
    _c(
        "therapy",
        en="therapy|treatment|psychotherapy",
        de="Therapie|Behandlung|Psychotherapie",
        fr="thérapie|traitement|psychothérapie",
        nl="therapie|behandeling",
        es="terapia|tratamiento",
        it="terapia|trattamento",
        pl="terapia|leczenie",
        sv="terapi|behandling",
    ),
    _c(
        "anonymous",
        en="anonymous|confidential",
        de="anonym|vertraulich",
        fr="anonyme|confidentiel",
        nl="anoniem|vertrouwelijk",
        es="anónimo|confidencial",
        it="anonimo|riservato",
        pl="anonimowy|poufny",
        sv="anonym|konfidentiell",
    ),
    _c(
        "self_help",
        en="self-help|online self-help",
        de="Selbsthilfe",
        fr="auto-assistance|autoassistance",
        nl="zelfhulp",
        es="autoayuda",
        it="auto-aiuto|autoaiuto",
        pl="samopomoc",
        sv="självhjälp",
    ),
    _c(
        "parents",
        en="parents|carers|families",
        de="Eltern|Familien|Erziehungsberechtigte",
        fr="parents|familles",
        nl="ouders|gezinnen",
        es="padres|familias",
        it="genitori|famiglie",
        pl="rodzice|rodziny",
        sv="föräldrar|familjer",
    ),
    _c(
        "children",
        en="children|young people|minors",
        de="Kinder|Jugendliche|Minderjährige",
        fr="enfants|mineurs|jeunes",
        nl="kinderen|jongeren|minderjarigen",
        es="niños|menores",
        it="bambini|minori",
        pl="dzieci|młodzież",
        sv="barn|unga",
    ),
    _c(
        "training",
        en="training|course|e-learning",
        de="Schulung|Fortbildung|Weiterbildung",
        fr="formation|formations",
        nl="training|opleiding|cursus",
        es="formación|capacitación|curso",
        it="formazione|corso",
        pl="szkolenie|kurs",
        sv="utbildning|kurs",
    ),
    _c(
        "professionals",
        en="professionals|practitioners|social workers|teachers",
        de="Fachkräfte|Lehrkräfte|Sozialarbeiter",
        fr="professionnels|praticiens|travailleurs sociaux|enseignants",
        nl="professionals|hulpverleners|leerkrachten",
        es="profesionales|trabajadores sociales|docentes",
        it="professionisti|operatori|insegnanti",
        pl="specjaliści|nauczyciele",
        sv="yrkesverksamma|lärare",
    ),
    _c(
        "school",
        en="school|schools|sex education|curriculum",
        de="Schule|Schulen|Sexualerziehung|Unterricht",
        fr="école|écoles|éducation sexuelle",
        nl="school|scholen|seksuele voorlichting",
        es="escuela|escuelas|educación sexual",
        it="scuola|scuole|educazione sessuale",
        pl="szkoła|szkoły|edukacja seksualna",
        sv="skola|skolor|sexualundervisning",
    ),
    _c(
        "campaign",
        en="campaign|awareness raising|public awareness",
        de="Kampagne|Sensibilisierung|Aufklärungskampagne",
        fr="campagne|sensibilisation",
        nl="campagne|bewustwording",
        es="campaña|sensibilización|concienciación",
        it="campagna|sensibilizzazione",
        pl="kampania|kampania społeczna",
        sv="kampanj|informationskampanj",
    ),
    _c(
        "evaluation",
        en="evaluation|effectiveness|outcome study|randomised controlled trial",
        de="Evaluation|Evaluierung|Wirksamkeit",
        fr="évaluation|efficacité",
        nl="evaluatie|effectiviteit",
        es="evaluación|eficacia",
        it="valutazione|efficacia",
        pl="ewaluacja|skuteczność",
        sv="utvärdering|effektivitet",
    ),
    _c(
        "recidivism",
        en="recidivism|reoffending|re-offending",
        de="Rückfall|Rückfälligkeit|Rückfallrisiko",
        fr="récidive",
        nl="recidive",
        es="reincidencia",
        it="recidiva",
        pl="recydywa",
        sv="återfall",
    ),
    _c(
        "risk_assessment",
        en="risk assessment",
        de="Risikoeinschätzung|Risikobewertung",
        fr="évaluation des risques",
        nl="risicotaxatie",
        es="evaluación de riesgos",
        it="valutazione del rischio",
        pl="ocena ryzyka",
        sv="riskbedömning",
    ),
    _c(
        "victims",
        en="victims|survivors|victim support",
        de="Betroffene|Opfer|Opferhilfe",
        fr="victimes|survivants|aide aux victimes",
        nl="slachtoffers|slachtofferhulp",
        es="víctimas|supervivientes",
        it="vittime|sopravvissuti",
        pl="ofiary|pokrzywdzeni",
        sv="brottsoffer|brottsoffer stöd",
    ),
    _c(
        "online_safety",
        en="online safety|internet safety",
        de="Sicherheit im Internet|Internetsicherheit",
        fr="sécurité en ligne|sécurité sur internet",
        nl="online veiligheid|internetveiligheid",
        es="seguridad en línea|seguridad en internet",
        it="sicurezza online|sicurezza in rete",
        pl="bezpieczeństwo w internecie",
        sv="säkerhet på nätet|nätsäkerhet",
    ),
    _c(
        "child_protection",
        en="child protection|safeguarding",
        de="Kinderschutz",
        fr="protection de l'enfance|protection des enfants",
        nl="kinderbescherming",
        es="protección infantil|protección de la infancia",
        it="tutela dei minori|protezione dell'infanzia",
        pl="ochrona dzieci",
        sv="barnskydd",
    ),
    _c(
        "deterrence",
        en="deterrence|warning message|warning messages",
        de="Abschreckung|Warnhinweis|Warnhinweise",
        fr="dissuasion|message d'avertissement|messages d'avertissement",
        nl="afschrikking|waarschuwingsboodschap",
        es="disuasión|mensaje de advertencia",
        it="deterrenza|messaggio di avvertimento",
        pl="odstraszanie|komunikat ostrzegawczy",
        sv="avskräckning|varningsmeddelande",
    ),
    _c(
        "primary_prevention",
        en="primary prevention",
        de="Primärprävention",
        fr="prévention primaire",
        nl="primaire preventie",
        es="prevención primaria",
        it="prevenzione primaria",
        pl="profilaktyka pierwszorzędowa",
        sv="primärprevention",
    ),
    _c(
        "secondary_prevention",
        en="secondary prevention",
        de="Sekundärprävention",
        fr="prévention secondaire",
        nl="secundaire preventie",
        es="prevención secundaria",
        it="prevenzione secondaria",
        pl="profilaktyka drugorzędowa",
        sv="sekundärprevention",
    ),
    _c(
        "tertiary_prevention",
        en="tertiary prevention",
        de="Tertiärprävention",
        fr="prévention tertiaire",
        nl="tertiaire preventie",
        es="prevención terciaria",
        it="prevenzione terziaria",
        pl="profilaktyka trzeciorzędowa",
        sv="tertiärprevention",
    ),
    _c(
        "research",
        en="research|study|studies",
        de="Forschung|Studie|Studien",
        fr="recherche|étude|études",
        nl="onderzoek|studie",
        es="investigación|estudio",
        it="ricerca|studio",
        pl="badania|badanie",
        sv="forskning|studie",
    ),
)
BY_ID = {concept.id: concept for concept in SCHEME}


@dataclass(frozen=True)
class Label:
    concept: str
    language: str
    text: str
    keys: tuple[frozenset[str], ...]  # per word: what it may be indexed as
    primary: tuple[str, ...]  # per word: its folded lemma, what a query asks the index for


@lru_cache(maxsize=1)
def labels() -> tuple[Label, ...]:
    found = []
    for concept in SCHEME:
        for language, texts in concept.labels.items():
            for label in texts:
                label_words = text.words(label)
                keys = tuple(frozenset(text.word_keys(w, language)) for w in label_words)
                primary = tuple(text.fold(text.lemma(w, language)) for w in label_words)
                if keys:
                    found.append(Label(concept.id, language, label, keys, primary))
    # Longest first, so "child sexual abuse material" wins over "child sexual abuse".
    return tuple(sorted(found, key=lambda label: -len(label.keys)))


@lru_cache(maxsize=1)
def _by_first_key() -> dict[str, tuple[Label, ...]]:
    index: dict[str, list[Label]] = {}
    for label in labels():
        for key in label.keys[0]:
            index.setdefault(key, []).append(label)
    return {key: tuple(found) for key, found in index.items()}


@dataclass(frozen=True)
class Found:
    start: int
    end: int  # exclusive
    concept: str


def find(word_keys: Sequence[Iterable[str]]) -> list[Found]:
    """The concepts whose labels occur in a sequence of words (each given by its keys), the
    longest label first where they overlap; in order of position."""
    keysets = [frozenset(keys) for keys in word_keys]
    first = _by_first_key()
    found: list[Found] = []
    position = 0
    while position < len(keysets):
        candidates = {
            label for key in keysets[position] for label in first.get(key, ()) if label.keys
        }
        best = None
        for label in sorted(candidates, key=lambda label: (-len(label.keys), label.concept)):
            end = position + len(label.keys)
            if end <= len(keysets) and all(
                label.keys[i] & keysets[position + i] for i in range(len(label.keys))
            ):
                best = Found(position, end, label.concept)
                break
        if best is None:
            position += 1
        else:
            found.append(best)
            position = best.end
    return found


def in_text(value: str, language: str) -> set[str]:
    """The concepts a text in `language` names."""
    keys = [text.word_keys(word, language) for word in text.words(value)]
    return {found.concept for found in find(keys)}


def label_queries(concept_id: str) -> tuple[tuple[str, ...], ...]:
    """Each label of a concept, in every language, as the index keys of its words."""
    return tuple(dict.fromkeys(label.primary for label in labels() if label.concept == concept_id))
