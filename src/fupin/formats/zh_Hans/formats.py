# Number formats for Simplified Chinese as county offices write them: 14,326 and 3,850.50.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
