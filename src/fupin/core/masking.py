"""Masking of personal data (ID numbers, phones, bank accounts) for lists, cards and exports."""


ID_HEAD, ID_TAIL = 6, 1


def mask_id_number(value: str | None) -> str:
    """'36102219800101123X' -> '361022***********X': the address code and the last character stay,
    the birth date and the sequence number are hidden, so that the birth date (shown on the card)
    and the sex cannot rebuild the number (about 45 numbers fit; see tests/core/test_masking.py)."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:ID_HEAD] + "*" * (len(value) - ID_HEAD - ID_TAIL) + value[-ID_TAIL:]


def mask_phone(value: str | None) -> str:
    """'13812345678' -> '138****5678'; landlines keep the area code and the last 4 digits."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 4:
        return "*" * len(value)
    keep_head = 3 if len(value) >= 11 else max(0, len(value) - 8)
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


def mask_bank_account(value: str | None) -> str:
    """'6217001234567890123' -> '6217***********0123'."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_bank_account}
