"""Errors of the actions as API answers: a ValidationError becomes 400 with the fields' messages
(in Chinese, as the actions word them), a refusal 403, a missing or out-of-scope record 404."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def validation_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field or "non_field_errors": [str(m) for m in messages]
                for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def form_errors(form) -> dict:
    """A Django form's errors as the API's field errors."""
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
