"""The demo accounts, one per role. Their password is printed by `fupin demo` and written in README."""

from fupin.accounts import actions
from fupin.accounts.models import User
from fupin.accounts.roles import Department, Role
from fupin.core.actions import SYSTEM

DEMO_PASSWORD = "Lichuan@2023"

ACCOUNTS = [
    # username, role, prefix, full name, organisation, department
    ("county", Role.COUNTY_ADMIN, "361022", "黄建国", "黎川县乡村振兴局", ""),
    ("township", Role.TOWNSHIP_CADRE, "361022201", "李秀英", "湖坊乡人民政府", ""),
    ("village", Role.VILLAGE_CADRE, "361022201205", "陈志强", "枧源村村民委员会", ""),
    ("helper", Role.HELPER, "361022201205", "吴文华", "黎川县财政局", ""),
    ("dept", Role.DEPARTMENT, "361022", "刘丽", "黎川县民政局", Department.CIVIL_AFFAIRS),
    ("finance", Role.DEPARTMENT, "361022", "周国平", "黎川县财政局", Department.FINANCE),
    ("agri", Role.DEPARTMENT, "361022", "邓春生", "黎川县农业农村局", Department.AGRICULTURE),
    ("auditor", Role.AUDITOR, "361022", "张德明", "黎川县审计局", ""),
    # above the counties: they read every county below them and approve nothing at a county's steps
    ("city", Role.SUPERVISOR, "3610", "饶志远", "抚州市乡村振兴局", ""),
    ("province", Role.SUPERVISOR, "36", "熊卫东", "江西省乡村振兴局", ""),
]

# The county administrator of each other county of 抚州市, when the demo generates it (fupin demo --area).
COUNTY_LOGINS = {"361002": "linchuanqu", "361003": "dongxiang", "361021": "nancheng", "361023": "nanfeng",
                 "361024": "chongren", "361025": "lean", "361026": "yihuang", "361027": "jinxi", "361028": "zixi",
                 "361030": "guangchang"}


def ensure_accounts() -> dict[str, User]:
    users = {}
    for username, role, prefix, name, organisation, department in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = actions.create_user(
                actor=SYSTEM, username=username, password=DEMO_PASSWORD, role=role, prefixes=[prefix],
                full_name=name, organisation=organisation, department=department, must_change_password=False,
                phone="13907940000",
            )
        users[username] = user
    return users


def county_accounts(county_code: str, county_name: str) -> dict[str, User]:
    """The accounts another county's demo acts as: its county administrator (who also stands for its
    townships and villages in the demo's own records); no demo helper there."""
    if county_code == "361022":
        return ensure_accounts()
    username = COUNTY_LOGINS.get(county_code, f"county{county_code}")
    user = User.objects.filter(username=username).first()
    if user is None:
        user = actions.create_user(
            actor=SYSTEM, username=username, password=DEMO_PASSWORD, role=Role.COUNTY_ADMIN, prefixes=[county_code],
            full_name=f"{county_name}管理员", organisation=f"{county_name}乡村振兴局", must_change_password=False,
            phone="13907940000")
    return {"county": user, "township": user, "village": user, "finance": user}


def other_county_logins() -> list[tuple[str, str, str]]:
    """(username, county code, county name) of the other counties' administrators in this database."""
    from fupin.divisions.models import Division

    names = dict(Division.objects.filter(code__in=COUNTY_LOGINS).values_list("code", "name"))
    found = set(User.objects.filter(username__in=[COUNTY_LOGINS[c] for c in names]).values_list("username", flat=True))
    return [(COUNTY_LOGINS[c], c, names[c]) for c in sorted(names) if COUNTY_LOGINS[c] in found]
