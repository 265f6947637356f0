"""The demo catalogue: real, publicly documented programmes, services and research, described
briefly in our own words with their public addresses. Demo data, marked so on every page: an
editor verifies each entry before a real publication."""

from __future__ import annotations

from typing import Any

# Each: the record's content (RecordData fields), "evaluates" naming other entries by url.
DEMO_RECORDS: tuple[dict[str, Any], ...] = (
    {
        "type": "helpline",
        "url": "https://www.stopitnow.org.uk/",
        "publisher": "Lucy Faithfull Foundation",
        "countries": ["GB"],
        "languages": ["en"],
        "target_groups": ["fear_offending", "parents_carers", "public"],
        "levels": ["primary", "secondary"],
        "settings": ["telephone", "online"],
        "concepts": ["helpline", "anonymous", "help_seekers"],
        "texts": [
            {
                "language": "en",
                "title": "Stop It Now UK and Ireland",
                "summary": "A confidential helpline and website run by the Lucy Faithfull "
                "Foundation for anyone worried about their own sexual thoughts or behaviour "
                "towards children, or about someone else's.",
            },
            {
                "language": "de",
                "title": "Stop It Now (Vereinigtes Königreich und Irland)",
                "summary": "Ein vertrauliches Hilfetelefon der Lucy Faithfull Foundation für "
                "alle, die sich wegen eigener sexueller Gedanken oder Verhaltensweisen gegenüber "
                "Kindern oder wegen einer anderen Person Sorgen machen.",
            },
            {
                "language": "fr",
                "title": "Stop It Now (Royaume-Uni et Irlande)",
                "summary": "Une ligne d'écoute confidentielle de la Lucy Faithfull Foundation "
                "pour toute personne inquiète de ses propres pensées ou comportements sexuels "
                "envers des enfants, ou de ceux d'un proche.",
            },
        ],
    },
    {
        "type": "helpline",
        "url": "https://www.stopitnow.org/",
        "countries": ["US"],
        "languages": ["en"],
        "target_groups": ["fear_offending", "parents_carers", "public"],
        "levels": ["primary", "secondary"],
        "settings": ["telephone", "online"],
        "texts": [
            {
                "language": "en",
                "title": "Stop It Now! (United States)",
                "summary": "The original Stop It Now! programme: a confidential helpline and "
                "online resources for adults worried about their own or another person's "
                "sexual behaviour towards children, and for parents and carers.",
            }
        ],
    },
    {
        "type": "programme",
        "url": "https://www.lucyfaithfull.org.uk/",
        "countries": ["GB"],
        "languages": ["en"],
        "target_groups": ["fear_offending", "offended", "parents_carers", "professionals"],
        "levels": ["primary", "secondary", "tertiary"],
        "texts": [
            {
                "language": "en",
                "title": "Lucy Faithfull Foundation",
                "summary": "A UK charity working to prevent child sexual abuse: it runs Stop "
                "It Now, works with people who have offended or fear they may offend and with "
                "their families, and trains professionals.",
            },
            {
                "language": "fr",
                "title": "Lucy Faithfull Foundation",
                "summary": "Une association britannique de prévention des abus sexuels sur "
                "les enfants : elle gère Stop It Now, accompagne les auteurs et les personnes "
                "qui craignent de passer à l'acte ainsi que leurs familles, et forme les "
                "professionnels.",
            },
        ],
    },
    {
        "type": "programme",
        "url": "https://www.kein-taeter-werden.de/",
        "publisher": "Charité – Universitätsmedizin Berlin",
        "countries": ["DE"],
        "languages": ["de"],
        "target_groups": ["fear_offending"],
        "levels": ["primary", "secondary"],
        "settings": ["clinical"],
        "concepts": ["therapy", "help_seekers", "perpetration_prevention"],
        "texts": [
            {
                "language": "de",
                "title": "Kein Täter werden",
                "summary": "Ein kostenloses und vertrauliches therapeutisches Angebot unter "
                "Schweigepflicht für Menschen, die sich sexuell zu Kindern hingezogen fühlen "
                "und keine Übergriffe begehen wollen; begonnen 2005 als Präventionsprojekt "
                "Dunkelfeld an der Charité in Berlin.",
            },
            {
                "language": "en",
                "title": "Don't Offend (Kein Täter werden)",
                "summary": "Free and confidential therapy, under medical confidentiality, for "
                "people who feel sexually attracted to children and do not want to offend; "
                "started in 2005 as the Prevention Project Dunkelfeld at the Charité in Berlin.",
            },
        ],
    },
    {
        "type": "programme",
        "url": "https://troubled-desire.com/",
        "publisher": "Charité – Universitätsmedizin Berlin",
        "countries": ["DE"],
        "languages": ["en", "de"],
        "target_groups": ["fear_offending"],
        "levels": ["primary", "secondary"],
        "settings": ["online"],
        "concepts": ["self_help", "anonymous", "help_seekers"],
        "texts": [
            {
                "language": "en",
                "title": "Troubled Desire",
                "summary": "An anonymous online self-help programme for people with a sexual "
                "interest in children, developed at the Charité in Berlin.",
            },
            {
                "language": "de",
                "title": "Troubled Desire",
                "summary": "Ein anonymes Selbsthilfe-Programm im Internet für Menschen mit "
                "sexuellem Interesse an Kindern, entwickelt an der Charité in Berlin.",
            },
        ],
    },
    {
        "type": "programme",
        "url": "https://www.suojellaanlapsia.fi/en",
        "publisher": "Protect Children (Suojellaan Lapsia)",
        "countries": ["FI"],
        "languages": ["en", "fi"],
        "target_groups": ["fear_offending"],
        "levels": ["secondary"],
        "settings": ["online"],
        "concepts": ["self_help", "abuse_material"],
        "texts": [
            {
                "language": "en",
                "title": "ReDirection self-help programme",
                "summary": "An anonymous online self-help programme by the Finnish "
                "organisation Protect Children for people who search for or view child sexual "
                "abuse material and want to stop.",
            }
        ],
    },
    {
        "type": "programme",
        "url": "https://www.circles-uk.org.uk/",
        "countries": ["GB"],
        "languages": ["en"],
        "target_groups": ["offended"],
        "levels": ["tertiary"],
        "settings": ["community", "justice"],
        "concepts": ["recidivism"],
        "texts": [
            {
                "language": "en",
                "title": "Circles of Support and Accountability (Circles UK)",
                "summary": "Trained community volunteers meet regularly with a person who has "
                "committed sexual offences after release, to support their reintegration and "
                "reduce reoffending.",
            }
        ],
    },
    {
        "type": "research",
        "url": "https://www.cebc4cw.org/",
        "countries": ["US"],
        "languages": ["en"],
        "target_groups": ["professionals"],
        "concepts": ["evaluation", "research"],
        "texts": [
            {
                "language": "en",
                "title": "The California Evidence-Based Clearinghouse for Child Welfare (CEBC)",
                "summary": "A clearinghouse that rates child welfare programmes, including "
                "programmes on child sexual abuse prevention, by the research evidence behind "
                "them.",
            }
        ],
    },
    {
        "type": "research",
        "doi": "10.1111/jsm.12785",
        "year": 2015,
        "publisher": "The Journal of Sexual Medicine",
        "authors": ["Beier, Klaus M."],
        "countries": ["DE"],
        "languages": ["de"],
        "target_groups": ["fear_offending"],
        "concepts": ["evaluation", "therapy"],
        "evaluates": ["https://www.kein-taeter-werden.de/"],
        "texts": [
            {
                "language": "en",
                "title": "The German Dunkelfeld Project: a pilot study to prevent child sexual "
                "abuse and the use of child abusive images",
                "summary": "An evaluation of the treatment offered by the Prevention Project "
                "Dunkelfeld (Kein Täter werden) to self-referred men with a sexual interest "
                "in children.",
            }
        ],
    },
    {
        "type": "research",
        "url": "https://joint-research-centre.ec.europa.eu/",
        "publisher": "European Commission, Joint Research Centre",
        "languages": ["en"],
        "target_groups": ["fear_offending", "offended", "professionals"],
        "concepts": ["perpetration_prevention", "research"],
        "texts": [
            {
                "language": "en",
                "title": "JRC mapping of prevention programmes for people who fear they may "
                "offend and for people who have offended",
                "summary": "The Joint Research Centre's mapping of more than a hundred "
                "prevention initiatives for help-seekers and perpetrators in Europe and "
                "beyond, with a common taxonomy. (Title and address to be verified.)",
            }
        ],
    },
)
