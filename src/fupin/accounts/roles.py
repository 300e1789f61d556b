"""Roles and what each may do. Area scope (where) is separate from capabilities (what)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    HELPER = "helper", _("帮扶责任人")
    DEPARTMENT = "department", _("部门用户")
    AUDITOR = "auditor", _("审计监督")
    # A prefecture's or province's office: reads every county below it (figures, registers masked,
    # ledgers), approves and edits nothing at a county's steps.
    SUPERVISOR = "supervisor", _("市省级用户")


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    MEDICAL_INSURANCE = "medical_insurance", _("医保")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住建")
    HUMAN_RESOURCES = "human_resources", _("人社")
    DISABLED_FEDERATION = "disabled_federation", _("残联")
    FINANCE = "finance", _("财政")
    HEALTH = "health", _("卫健")
    AGRICULTURE = "agriculture", _("农业农村")
    WATER = "water", _("水利")
    PUBLIC_SECURITY = "public_security", _("公安")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    EMERGENCY = "emergency", _("应急管理")
    RURAL_REVITALIZATION = "rural_revitalization", _("乡村振兴")


class Cap:
    """Capability names. A view or action asks for one; roles grant sets of them."""

    VIEW_REGISTRY = "registry.view"
    EDIT_REGISTRY = "registry.edit"  # correct household and member data
    RESTRUCTURE = "registry.restructure"  # create, move, close households; add/remove members; head
    EDIT_VILLAGE = "registry.edit_village"
    REVEAL_PERSONAL = "personal.reveal"
    VIEW_HISTORY = "history.view"
    VIEW_AUDIT_LOG = "audit.view"
    MANAGE_USERS = "users.manage"
    VIEW_TARGETING = "targeting.view"  # rule sets, runs and their results
    MANAGE_RULES = "targeting.manage"  # edit rule sets, start identification runs
    IMPORT_REGISTRY = "exchange.import"  # upload the household workbook
    EXPORT_REGISTRY = "exchange.export"  # download households (masked), village registers, cards
    EXPORT_FULL = "exchange.export_full"  # download with full ID numbers, phones, accounts (logged)
    MATCH_DATA = "exchange.match"  # load department lists and match them; edit matching rules
    VIEW_MATCHES = "exchange.view_matches"  # matching runs and the discrepancies found
    VIEW_ASSISTANCE = "assistance.view"  # 八个一 coverage, plans, measures, helpers, visit logs
    MANAGE_ASSISTANCE = "assistance.manage"  # county leaders, plans, measures, helpers, work teams
    RECORD_VISIT = "assistance.visit"  # record a household visit (helpers, village and township cadres)
    VIEW_PROGRAMMES = "programmes.view"  # industry, training, jobs, guarantees, housing, charity
    MANAGE_PROGRAMMES = "programmes.manage"  # record them; departments only in their own domain
    VIEW_FUNDS = "funds.view"  # fund sources, projects, allocations, disbursements, ledgers, checks
    PROPOSE_PROJECT = "funds.propose"  # put a project into the library (申报)
    MANAGE_FUNDS = "funds.manage"  # record sources, approve projects, allocate, disburse
    VIEW_INSIGHTS = "insights.view"  # indicators, the dashboard, targets and their gaps, yearly reports
    MANAGE_TARGETS = "insights.targets"  # set the plan's targets per year
    VIEW_ASSESSMENT = "assessment.view"  # the exit assessment (三率一度): samples, surveys, rates
    SURVEY = "assessment.survey"  # record the surveys of sampled households
    MANAGE_ASSESSMENT = "assessment.manage"  # draw samples, turn findings into clues


_CADRE = {Cap.VIEW_REGISTRY, Cap.EDIT_REGISTRY, Cap.RESTRUCTURE, Cap.EDIT_VILLAGE, Cap.REVEAL_PERSONAL,
          Cap.VIEW_HISTORY, Cap.VIEW_TARGETING, Cap.IMPORT_REGISTRY, Cap.EXPORT_REGISTRY, Cap.VIEW_MATCHES,
          Cap.VIEW_ASSISTANCE, Cap.MANAGE_ASSISTANCE, Cap.RECORD_VISIT, Cap.VIEW_PROGRAMMES, Cap.MANAGE_PROGRAMMES,
          Cap.VIEW_FUNDS, Cap.PROPOSE_PROJECT, Cap.VIEW_INSIGHTS}

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset(_CADRE | {Cap.MANAGE_USERS, Cap.VIEW_AUDIT_LOG, Cap.MANAGE_RULES, Cap.EXPORT_FULL,
                                           Cap.MATCH_DATA, Cap.MANAGE_FUNDS, Cap.MANAGE_TARGETS,
                                           Cap.VIEW_ASSESSMENT, Cap.SURVEY, Cap.MANAGE_ASSESSMENT}),
    # Townships survey the sampled households of their area (the county's assessors work the same way).
    Role.TOWNSHIP_CADRE: frozenset(_CADRE | {Cap.VIEW_ASSESSMENT, Cap.SURVEY}),
    Role.VILLAGE_CADRE: frozenset(_CADRE),
    # Helpers visit their households and correct what they find; structure stays with cadres.
    # They also record visits and the measures and income projects of their households.
    Role.HELPER: frozenset({Cap.VIEW_REGISTRY, Cap.EDIT_REGISTRY, Cap.VIEW_HISTORY, Cap.VIEW_TARGETING,
                            Cap.VIEW_ASSISTANCE, Cap.RECORD_VISIT}),
    # Departments load their own lists and see what the matching found; what else they may do
    # depends on the department (DEPARTMENT_CAPABILITIES).
    Role.DEPARTMENT: frozenset({Cap.VIEW_REGISTRY, Cap.MATCH_DATA, Cap.VIEW_MATCHES, Cap.VIEW_ASSISTANCE,
                                Cap.VIEW_PROGRAMMES, Cap.VIEW_INSIGHTS}),
    Role.AUDITOR: frozenset({Cap.VIEW_REGISTRY, Cap.VIEW_HISTORY, Cap.VIEW_AUDIT_LOG, Cap.REVEAL_PERSONAL,
                             Cap.VIEW_TARGETING, Cap.EXPORT_REGISTRY, Cap.VIEW_MATCHES, Cap.VIEW_ASSISTANCE,
                             Cap.VIEW_PROGRAMMES, Cap.VIEW_FUNDS, Cap.VIEW_INSIGHTS, Cap.VIEW_ASSESSMENT}),
    Role.SUPERVISOR: frozenset({Cap.VIEW_REGISTRY, Cap.VIEW_TARGETING, Cap.VIEW_MATCHES, Cap.VIEW_ASSISTANCE,
                                Cap.VIEW_PROGRAMMES, Cap.VIEW_FUNDS, Cap.VIEW_INSIGHTS, Cap.VIEW_ASSESSMENT}),
}

# Which departments lead which programme: they record it wherever their grant reaches; cadres record
# every programme in their area; 乡村振兴 leads them all. The programme apps (programmes, welfare)
# name their domains with these keys and ask :func:`may_manage_programme`.
PROGRAMME_LEADS: dict[str, frozenset[str]] = {
    "industry": frozenset({Department.AGRICULTURE}),  # industries, participation, cooperatives, dividends
    "employment": frozenset({Department.HUMAN_RESOURCES}),  # training, certificates, jobs
    "premium": frozenset({Department.MEDICAL_INSURANCE}),  # 参保缴费补助
    "medical_aid": frozenset({Department.CIVIL_AFFAIRS, Department.MEDICAL_INSURANCE}),
    "education": frozenset({Department.EDUCATION}),
    "disability": frozenset({Department.DISABLED_FEDERATION}),  # 残疾人两项补贴
    "housing": frozenset({Department.HOUSING}),  # 危房改造、易地搬迁
    "charity": frozenset({Department.CIVIL_AFFAIRS}),  # 社会帮扶
}
LEADS_ALL_PROGRAMMES = Department.RURAL_REVITALIZATION

# What a department user may do on top of the role: the finance office keeps the fund ledgers;
# the departments that lead a programme record it (in that domain only: may_manage_programme).
DEPARTMENT_CAPABILITIES: dict[str, frozenset[str]] = {
    d: frozenset({Cap.MANAGE_PROGRAMMES}) for d in frozenset().union(*PROGRAMME_LEADS.values())
}
DEPARTMENT_CAPABILITIES[Department.FINANCE] = frozenset({Cap.VIEW_FUNDS, Cap.MANAGE_FUNDS})
DEPARTMENT_CAPABILITIES[LEADS_ALL_PROGRAMMES] = frozenset({Cap.MANAGE_PROGRAMMES, Cap.VIEW_FUNDS,
                                                           Cap.PROPOSE_PROJECT})


def may_manage_programme(user, programme: str) -> bool:
    """May ``user`` record programmes of ``programme`` (a PROGRAMME_LEADS key) at all? The area is
    checked separately, by the caller, against the user's scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Cap.MANAGE_PROGRAMMES):
        return False
    if user.role == Role.DEPARTMENT and not user.is_superuser:
        return user.department == LEADS_ALL_PROGRAMMES or user.department in PROGRAMME_LEADS[programme]
    return True


# The area level a role's grants are expected at (checked when a user is created).
EXPECTED_PREFIX_LENGTHS: dict[str, tuple[int, ...]] = {
    Role.COUNTY_ADMIN: (2, 4, 6),
    Role.TOWNSHIP_CADRE: (9,),
    Role.VILLAGE_CADRE: (12,),
    Role.HELPER: (6, 9, 12),
    Role.DEPARTMENT: (2, 4, 6),
    Role.AUDITOR: (2, 4, 6, 9),
    Role.SUPERVISOR: (2, 4),
}


def capabilities_of(role: str, department: str = "") -> frozenset[str]:
    caps = CAPABILITIES.get(role, frozenset())
    if role == Role.DEPARTMENT and department:
        caps |= DEPARTMENT_CAPABILITIES.get(department, frozenset())
    return caps
