"""Form helpers: model forms used only to collect and check input; actions do the writing."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def style_widgets(form: forms.BaseForm) -> None:
    """Tabler classes on every widget, and `aria-invalid` on fields with errors (idempotent)."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.NullBooleanSelect)):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            css = ""
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css and css not in classes:
            classes.append(css)
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        # _errors is None until the form is cleaned: styling must not trigger validation itself.
        if form._errors and name in form._errors:
            widget.attrs["aria-invalid"] = "true"
            if "is-invalid" not in classes:
                classes.append("is-invalid")
        widget.attrs["class"] = " ".join(classes)


class StyledMixin:
    """Styles the widgets when built and again after validation; takes an action's errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def add_action_errors(self, exc: ValidationError) -> None:
        add_action_errors(self, exc)


class StyledForm(StyledMixin, forms.Form):
    pass


class ActionModelForm(StyledMixin, forms.ModelForm):
    """A ModelForm that only parses input. It does not build or validate a model instance:
    the action receives ``changes()`` and applies the domain rules itself."""

    def _post_clean(self):
        pass

    @property
    def grouped_names(self) -> set[str]:
        return {name for _title, names in getattr(self, "groups", ()) for name in names}

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's ValidationError beside the fields it names (others at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)
    style_widgets(form)


def route_errors(exc: ValidationError, *forms_: forms.BaseForm) -> None:
    """Spread one action error over several forms on a page: each field error goes to the first
    form that has the field; the rest go to the top of the last form."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        target = next((f for f in forms_ if field in f.fields), forms_[-1])
        for error in field_errors:
            target.add_error(field if field in target.fields else None, error)
    for form in forms_:
        style_widgets(form)


def errors_text(form: forms.BaseForm) -> str:
    """A form's errors as one line for a message, each named by its field's label (never the
    field's code name: "减员日期：请填写减员日期。", not "* removed_on")."""
    parts = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        label = form.fields[name].label if name in form.fields else name
        parts.extend(f"{label}：{e}" for e in errors)
    return "；".join(parts)
