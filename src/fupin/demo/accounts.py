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
]


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
