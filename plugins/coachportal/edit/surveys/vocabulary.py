"""Words a survey export uses, in the portal's five languages: rater groups, scale words, headings.

Everything is compared after :func:`normalise` (case folded, punctuation and extra
spaces removed), so "Direct Reports", "direct-report" and "DIRECT REPORT" are one key.
"""

from __future__ import annotations

import re
import unicodedata

GROUPS = ("manager", "direct-reports", "peers", "other")

# Singular forms; :func:`group_of` also accepts a trailing plural "s"/"en"/"es".
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "manager": (
        "manager", "line manager", "supervisor", "boss", "my manager",
        "vorgesetzter", "vorgesetzte", "führungskraft", "direkte führungskraft",
        "responsable", "supérieur hiérarchique", "supérieur", "n+1",
        "jefe", "jefa", "gerente", "superior",
        "leidinggevende", "direct leidinggevende",
    ),
    "direct-reports": (
        "direct report", "team member", "report", "direct", "directs", "member of the team",
        "mitarbeiter", "mitarbeiterin", "direkter mitarbeiter", "direkte mitarbeiterin",
        "teammitglied", "mitarbeitende",
        "collaborateur", "collaboratrice", "collaborateur direct", "membre de l'équipe",
        "subordonné", "subordonnée",
        "colaborador", "colaboradora", "colaborador directo", "miembro del equipo", "subordinado",
        "directe medewerker", "medewerker", "teamlid",
    ),
    "peers": (
        "peer", "colleague", "co-worker", "coworker",
        "kollege", "kollegin", "kolleg", "peer kollege",
        "pair", "collègue",
        "par", "colega", "compañero", "compañera",
        "collega", "gelijke",
    ),
    "other": (
        "other", "others", "someone else", "external",
        "andere", "anderer", "sonstige", "sonstiges",
        "autre", "autres",
        "otro", "otra", "otros",
        "ander", "anders", "overig", "overige",
    ),
}  # fmt: skip

# The client's own rating in a 360 ("Self"): not a stakeholder group, so its rows are
# skipped (and the import says so), not refused as an unknown group.
SELF_WORDS = (
    "self", "myself", "self assessment", "self rating", "self evaluation", "own rating",
    "selbst", "ich selbst", "selbsteinschätzung", "selbstbild", "selbstbewertung",
    "soi même", "moi même", "auto évaluation", "autoévaluation",
    "yo mismo", "yo misma", "autoevaluación",
    "zelf", "ikzelf", "zelfbeoordeling", "zelfevaluatie",
)  # fmt: skip
SELF_SKIPPED = "the client's own rating ({label!r}): a self-assessment, not a stakeholder's, is not imported"

# The seven points of the -3..+3 improvement scale.
SCALE_WORDS: dict[int, tuple[str, ...]] = {
    -3: ("much worse", "viel schlechter", "beaucoup moins bien", "bien pire", "mucho peor", "veel slechter"),
    -2: ("worse", "schlechter", "moins bien", "pire", "peor", "slechter"),
    -1: (
        "somewhat worse", "slightly worse", "a little worse", "etwas schlechter",
        "un peu moins bien", "légèrement moins bien", "algo peor", "un poco peor", "iets slechter",
    ),
    0: (
        "no change", "unchanged", "the same", "no difference", "keine veränderung", "unverändert",
        "aucun changement", "pas de changement", "inchangé", "sin cambios", "sin cambio", "ningún cambio",
        "geen verandering", "onveranderd",
    ),
    1: (
        "somewhat better", "slightly better", "a little better", "etwas besser", "un peu mieux",
        "légèrement mieux", "algo mejor", "un poco mejor", "iets beter",
    ),
    2: ("better", "besser", "mieux", "mejor", "beter"),
    3: ("much better", "viel besser", "beaucoup mieux", "bien mieux", "mucho mejor", "veel beter"),
}  # fmt: skip

TIMESTAMP_WORDS = ("timestamp", "zeitstempel", "horodateur", "marca temporal", "tijdstempel")
EMAIL_WORDS = (
    "email address", "email", "e-mail-adresse", "e-mail", "adresse e-mail", "adresse électronique",
    "dirección de correo electrónico", "correo electrónico", "e-mailadres", "score", "punktzahl",
    "note", "puntuación", "puntos", "punten", "totaal aantal punten",
)  # fmt: skip

# Microsoft Forms' own first columns ("ID, Start time, Completion time, Email, Name, ...").
MSFORMS_START = ("start time", "startzeit", "heure de début", "hora de inicio", "begintijd")
MSFORMS_COMPLETION = (
    "completion time", "fertigstellungszeit", "heure de fin", "hora de finalización",
    "tijd van voltooien", "tijd van voltooiing",
)  # fmt: skip
MSFORMS_META = (
    "id", "start time", "completion time", "email", "name", "last modified time", "total points",
    "quiz feedback", "grade posted time",
    "startzeit", "fertigstellungszeit", "e-mail", "name", "uhrzeit der letzten änderung", "gesamtpunktzahl",
    "heure de début", "heure de fin", "adresse de messagerie", "nom", "heure de la dernière modification",
    "hora de inicio", "hora de finalización", "correo electrónico", "nombre",
    "hora de la última modificación",
    "begintijd", "tijd van voltooien", "tijd van voltooiing", "e-mail", "naam",
    "tijdstip van laatste wijziging",
)  # fmt: skip
MSFORMS_META_PREFIXES = ("points ", "feedback ", "punkte ", "points ", "puntos ", "punten ")

# SurveyMonkey's own first columns, as its current export and its older one (2017) name them.
SURVEYMONKEY_RESPONDENT = ("respondent id", "respondentid")
SURVEYMONKEY_COLLECTOR = ("collector id", "collectorid")
SURVEYMONKEY_META = (
    *SURVEYMONKEY_RESPONDENT, *SURVEYMONKEY_COLLECTOR, "start date", "startdate", "end date", "enddate",
    "ip address", "email address", "first name", "last name", "lastname", "custom data 1", "custom data",
)  # fmt: skip

# A free-text column whose heading says so (a comment on a goal, or on the round).
COMMENT_WORDS = (
    "comment", "comments", "remark", "remarks", "feedback", "example", "examples", "why", "explain",
    "anything else", "what else", "suggestion", "suggestions", "observation", "observations",
    "kommentar", "kommentare", "anmerkung", "anmerkungen", "bemerkung", "beispiel", "warum",
    "commentaire", "commentaires", "remarque", "remarques", "exemple", "pourquoi",
    "comentario", "comentarios", "observación", "observaciones", "ejemplo", "por qué",
    "opmerking", "opmerkingen", "toelichting", "voorbeeld", "waarom",
)  # fmt: skip
# ... and whose heading makes it a comment on the round rather than on the goal before it.
GENERAL_WORDS = (
    "anything else", "what else", "general", "overall", "other comments", "additional",
    "sonst noch", "allgemein", "insgesamt", "weitere",
    "autre chose", "général", "généraux", "globalement", "autres commentaires",
    "algo más", "general", "en general", "otros comentarios",
    "nog iets", "algemeen", "overige opmerkingen", "verder nog",
)  # fmt: skip


def normalise(text: str) -> str:
    """Case folded, compatibility-normalised, punctuation as spaces, single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # keep letters, digits, '+' and the minus signs; everything else separates words
    spaced = re.sub(r"[^\w+\-\u2212']+", " ", folded).replace("_", " ")
    return " ".join(spaced.split())


def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise(w) for w in words)


_GROUP_KEYS = {group: _keys(words) | {normalise(group)} for group, words in GROUP_WORDS.items()}
_SCALE_KEYS = {normalise(word): value for value, words in SCALE_WORDS.items() for word in words}


def group_of(label: str) -> str | None:
    """The rater group a label names ("Direct report", "Peers", "Colleague"), or None."""
    key = normalise(label).replace("-", " ")
    if not key:
        return None
    candidates = {key}
    for suffix in ("s", "es", "en", "nen"):
        if key.endswith(suffix):
            candidates.add(key[: -len(suffix)])
    for group, keys in _GROUP_KEYS.items():
        normalised = {k.replace("-", " ") for k in keys}
        if candidates & normalised:
            return group
    return None


_SELF_KEYS = frozenset(key.replace("-", " ") for key in _keys(SELF_WORDS))


def is_self(label: str) -> bool:
    """True when a rater-group answer names the client themself ("Self", "Selbsteinschätzung")."""
    return normalise(label).replace("-", " ") in _SELF_KEYS


def scale_value(label: str) -> int | None:
    """The rating a scale word names ("Much better" -> 3), or None."""
    return _SCALE_KEYS.get(normalise(label))


def has_word(text: str, words: tuple[str, ...]) -> bool:
    """True when normalised ``text`` contains one of ``words`` as whole words."""
    key = f" {normalise(text)} "
    return any(f" {normalise(w)} " in key for w in words)


def is_one_of(text: str, words: tuple[str, ...]) -> bool:
    return normalise(text) in _keys(words)
