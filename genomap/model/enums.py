"""Vocabulary of the domain model: every closed list of kinds GenoMap records.

Values are stable lowercase strings because they are stored in files and in the
JSON exchange format; labels are what a practitioner reads.
"""

from __future__ import annotations

from enum import Enum


class LabelledEnum(str, Enum):
    """A string enum with a human label (the value with a nicer spelling)."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())


class Sex(LabelledEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"  # non-binary / other
    UNKNOWN = "unknown"


class PregnancyOutcome(LabelledEnum):
    """A person record that stands for a pregnancy rather than a born child."""

    NONE = "none"  # a born person
    PREGNANCY = "pregnancy"  # ongoing pregnancy
    MISCARRIAGE = "miscarriage"
    STILLBIRTH = "stillbirth"
    TERMINATION = "termination"


class PartnershipKind(LabelledEnum):
    MARRIED = "married"
    CIVIL_PARTNERSHIP = "civil_partnership"
    COHABITING = "cohabiting"
    DATING = "dating"  # dating / intimate
    ENGAGED = "engaged"


class PartnershipEnd(LabelledEnum):
    NONE = "none"
    SEPARATED = "separated"
    DIVORCED = "divorced"
    WIDOWED = "widowed"


class ParentLinkKind(LabelledEnum):
    BIOLOGICAL = "biological"
    ADOPTIVE = "adoptive"
    STEP = "step"
    FOSTER = "foster"
    KINSHIP = "kinship"  # special guardianship / kinship care


class TriState(LabelledEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class TieKind(LabelledEnum):
    CLOSE = "close"
    CONFLICT = "conflict"
    HOSTILE = "hostile"
    ESTRANGED = "estranged"  # estranged / cut off
    DOMESTIC_ABUSE_PHYSICAL = "domestic_abuse_physical"
    DOMESTIC_ABUSE_EMOTIONAL = "domestic_abuse_emotional"
    COERCIVE_CONTROL = "coercive_control"
    SEXUAL_ABUSE = "sexual_abuse"
    NEGLECT = "neglect"
    COURT_ORDERED_CONTACT = "court_ordered_contact"
    NO_CONTACT_ORDER = "no_contact_order"

    @property
    def directed(self) -> bool:
        """Abuse and neglect have a perpetrator and a victim: drawn with an arrow."""
        return self in _DIRECTED_TIES


class FactStatus(LabelledEnum):
    """How sure we are of a fact: practitioners must tell a rumour from a record."""

    REPORTED = "reported"
    ALLEGED = "alleged"
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"  # substantiated
    DISPUTED = "disputed"


class HouseholdType(LabelledEnum):
    FAMILY_HOME = "family_home"
    TEMPORARY = "temporary"  # temporary accommodation
    REFUGE = "refuge"
    FOSTER_PLACEMENT = "foster_placement"
    RESIDENTIAL = "residential"
    CUSTODY = "custody"
    HOSPITAL = "hospital"
    OTHER = "other"

    @property
    def is_temporary(self) -> bool:
        return self in (HouseholdType.TEMPORARY, HouseholdType.REFUGE)


class ResidenceKind(LabelledEnum):
    LIVES = "lives"
    STAYS_REGULARLY = "stays_regularly"  # e.g. every weekend
    VISITS = "visits"
    STAYS_OVERNIGHT = "stays_overnight"


class AgencyType(LabelledEnum):
    SOCIAL_CARE = "social_care"
    POLICE = "police"
    PROBATION = "probation"
    HEALTH_VISITOR = "health_visitor"
    GP = "gp"
    SCHOOL = "school"
    SCHOOL_NURSE = "school_nurse"
    CAMHS = "camhs"
    PSYCHOLOGY = "psychology"
    MAPPA = "mappa"
    EARLY_HELP = "early_help"
    HOUSING = "housing"
    MIDWIFERY = "midwifery"
    ADULT_MENTAL_HEALTH = "adult_mental_health"
    SUBSTANCE_SERVICE = "substance_service"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service"
    NURSERY = "nursery"
    YOUTH_JUSTICE = "youth_justice"
    OTHER = "other"

    @property
    def short_code(self) -> str:
        return _AGENCY_CODES[self]


class RiskKind(LabelledEnum):
    REGISTERED_SEX_OFFENDER = "registered_sex_offender"
    DOMESTIC_ABUSE_PERPETRATOR = "domestic_abuse_perpetrator"
    VIOLENT_OFFENDER = "violent_offender"
    MAPPA = "mappa"
    SUBSTANCE_MISUSE = "substance_misuse"
    MENTAL_HEALTH = "mental_health"
    OTHER = "other"

    @property
    def short_code(self) -> str:
        return _RISK_CODES[self]


class EventKind(LabelledEnum):
    INCIDENT = "incident"
    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    MOVE = "move"
    COURT_ORDER = "court_order"
    CONFERENCE = "conference"
    STRATEGY_MEETING = "strategy_meeting"
    BIRTH = "birth"
    DEATH = "death"
    HOSPITAL_ATTENDANCE = "hospital_attendance"
    OTHER = "other"


class LegalStatusKind(LabelledEnum):
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"
    CARE_ORDER = "care_order"
    SPECIAL_GUARDIANSHIP = "special_guardianship"

    @property
    def short_code(self) -> str:
        return _LEGAL_CODES[self]


class TwinKind(LabelledEnum):
    NONE = "none"
    FRATERNAL = "fraternal"
    IDENTICAL = "identical"
    UNKNOWN = "unknown"


_DIRECTED_TIES = frozenset(
    {
        TieKind.DOMESTIC_ABUSE_PHYSICAL,
        TieKind.DOMESTIC_ABUSE_EMOTIONAL,
        TieKind.COERCIVE_CONTROL,
        TieKind.SEXUAL_ABUSE,
        TieKind.NEGLECT,
        TieKind.NO_CONTACT_ORDER,
    }
)

_AGENCY_CODES = {
    AgencyType.SOCIAL_CARE: "CSC",
    AgencyType.POLICE: "POL",
    AgencyType.PROBATION: "PRB",
    AgencyType.HEALTH_VISITOR: "HV",
    AgencyType.GP: "GP",
    AgencyType.SCHOOL: "SCH",
    AgencyType.SCHOOL_NURSE: "SN",
    AgencyType.CAMHS: "CAMHS",
    AgencyType.PSYCHOLOGY: "PSY",
    AgencyType.MAPPA: "MAPPA",
    AgencyType.EARLY_HELP: "EH",
    AgencyType.HOUSING: "HSG",
    AgencyType.MIDWIFERY: "MW",
    AgencyType.ADULT_MENTAL_HEALTH: "AMH",
    AgencyType.SUBSTANCE_SERVICE: "SMS",
    AgencyType.DOMESTIC_ABUSE_SERVICE: "DAS",
    AgencyType.NURSERY: "NUR",
    AgencyType.YOUTH_JUSTICE: "YJS",
    AgencyType.OTHER: "OTH",
}

_RISK_CODES = {
    RiskKind.REGISTERED_SEX_OFFENDER: "RSO",
    RiskKind.DOMESTIC_ABUSE_PERPETRATOR: "DA",
    RiskKind.VIOLENT_OFFENDER: "VIO",
    RiskKind.MAPPA: "MAPPA",
    RiskKind.SUBSTANCE_MISUSE: "SUB",
    RiskKind.MENTAL_HEALTH: "MH",
    RiskKind.OTHER: "RISK",
}

_LEGAL_CODES = {
    LegalStatusKind.CHILD_IN_NEED: "CIN",
    LegalStatusKind.CHILD_PROTECTION: "CP",
    LegalStatusKind.LOOKED_AFTER: "CLA",
    LegalStatusKind.CARE_ORDER: "CO",
    LegalStatusKind.SPECIAL_GUARDIANSHIP: "SGO",
}

_LABELS: dict[Enum, str] = {
    Sex.OTHER: "Non-binary / other",
    PartnershipKind.DATING: "Dating / intimate",
    ParentLinkKind.KINSHIP: "Special guardianship / kinship care",
    TieKind.ESTRANGED: "Estranged / cut off",
    TieKind.DOMESTIC_ABUSE_PHYSICAL: "Domestic abuse (physical)",
    TieKind.DOMESTIC_ABUSE_EMOTIONAL: "Domestic abuse (emotional)",
    HouseholdType.TEMPORARY: "Temporary accommodation",
    ResidenceKind.STAYS_REGULARLY: "Stays regularly",
    AgencyType.SOCIAL_CARE: "Children's social care",
    AgencyType.GP: "GP",
    AgencyType.CAMHS: "CAMHS",
    AgencyType.MAPPA: "MAPPA",
    AgencyType.PSYCHOLOGY: "Psychological services",
    RiskKind.MAPPA: "MAPPA category/level",
    RiskKind.MENTAL_HEALTH: "Mental health concern",
    LegalStatusKind.CHILD_IN_NEED: "Child in need",
    LegalStatusKind.CHILD_PROTECTION: "Child protection plan",
    LegalStatusKind.LOOKED_AFTER: "Looked after (CLA)",
    LegalStatusKind.SPECIAL_GUARDIANSHIP: "Special guardianship order",
}


class ConnectionQuality(LabelledEnum):
    """Nature of a connection on an ecomap (as the worker judges it)."""

    UNSPECIFIED = "unspecified"
    STRONG = "strong"
    NORMAL = "normal"
    TENUOUS = "tenuous"
    STRESSFUL = "stressful"


class SupportDirection(LabelledEnum):
    """Which way support flows on an ecomap connection."""

    NONE = "none"
    TO_FAMILY = "to_family"  # the agency/person supports the family member
    FROM_FAMILY = "from_family"
    MUTUAL = "mutual"


class MatchDecisionKind(LabelledEnum):
    """What a user decided about two person records that might be the same person."""

    LINKED = "linked"
    REJECTED = "rejected"


class ContactRestriction(LabelledEnum):
    """A limit on an adult's contact with a child, recorded on the significant adults register.

    A court's no-contact order is recorded as a ``no_contact_order`` tie (so the
    genogram draws it); this is for agreed or safety-plan limits.
    """

    NONE = "none"
    SUPERVISED = "supervised"  # supervised contact only
    NO_CONTACT = "no_contact"  # agreed / safety plan, not a court order
    OTHER = "other"  # see the notes


_LABELS.update({
    ContactRestriction.NONE: "None recorded",
    ContactRestriction.SUPERVISED: "Supervised contact only",
    ContactRestriction.NO_CONTACT: "No contact",
    ContactRestriction.OTHER: "Restricted (see notes)",
})
