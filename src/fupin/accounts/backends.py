"""Authentication that refuses locked accounts, whatever the entry point (form, API, shell)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is not None and user.is_locked:
                # Run the hasher anyway so a locked account answers as slowly as an open one.
                get_user_model()().set_password(password)
                return None
        return super().authenticate(request, username=username, password=password, **kwargs)
