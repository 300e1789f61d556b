"""``fupin api token USERNAME [--revoke]``: create (and print once) or revoke a user's API token."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.api import actions
from fupin.core.actions import SYSTEM


class Command(BaseCommand):
    help = "接口令牌：为用户创建（只显示一次）或撤销接口令牌。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        token = sub.add_parser("token", help="创建或撤销一个用户的接口令牌")
        token.add_argument("username")
        token.add_argument("--revoke", action="store_true", help="撤销该用户的令牌")

    def handle(self, *args, what, username, revoke=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户不存在：%(username)s") % {"username": username})
        if revoke:
            if actions.revoke_token(actor=SYSTEM, user=user):
                self.stdout.write(_("已撤销 %(username)s 的接口令牌。") % {"username": username})
            else:
                self.stdout.write(_("%(username)s 没有接口令牌。") % {"username": username})
            return
        try:
            key = actions.create_token(actor=SYSTEM, user=user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(key)
