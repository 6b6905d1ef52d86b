"""Fields that turn what people type into values, with GOV.UK messages: pounds into pence, a whole
number, a time of day, a date from GOV.UK's day/month/year boxes. What was typed is shown back unchanged
when it cannot be understood."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import StringField
from wtforms.validators import StopValidation, ValidationError

from grantsfund.common.dates import london_to_utc, to_london
from grantsfund.common.money import MAX_PENCE, MoneyError, format_pence, parse_pounds, pence_to_input


class ParsedField(StringField):
    """A text input whose words become a value (pence, a time, a number), with GOV.UK messages.
    What was typed is shown back unchanged when it cannot be understood."""

    data: Any

    def __init__(self, label: str, *, required: str | None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, **kwargs)
        self.required_message = required
        self.problem: str | None = None
        self.text = ""

    def parse(self, text: str) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def format(self, value: Any) -> str:
        return str(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        self.problem = None
        if self.text:
            try:
                self.data = self.parse(self.text)
            except ValueError as error:
                self.problem = str(error)

    def pre_validate(self, form: Any) -> None:
        if self.problem:
            raise StopValidation(self.problem)
        if self.data is None and self.required_message:
            raise StopValidation(self.required_message)

    def _value(self) -> str:
        if self.raw_data:
            return self.text
        return "" if self.data is None else self.format(self.data)


class PoundsField(ParsedField):
    """Pounds and pence. `thing` names the amount in its messages ("the amount spent on Room hire"), so a page with
    several says which one is wrong; `maximum` is the largest amount the rule for it allows."""

    def __init__(
        self, label: str, *, required: str | None, thing: str | None = None, maximum: int = MAX_PENCE, **kwargs: Any
    ) -> None:
        super().__init__(label, required=required, **kwargs)
        self.thing, self.maximum = thing, maximum

    def parse(self, text: str) -> int:
        try:
            pence = parse_pounds(text)
        except MoneyError as error:
            if str(error).endswith(" or less"):  # beyond any amount at all, so beyond this one's maximum too
                raise ValueError(self._too_much()) from None
            raise ValueError(self._named(str(error))) from None
        if pence > self.maximum:
            raise ValueError(self._too_much())
        return pence

    def _too_much(self) -> str:
        return self._named(f"Enter an amount of {format_pence(self.maximum)} or less")

    def _named(self, message: str) -> str:
        """ "Enter an amount of £0 or more" -> "Enter the amount spent on Room hire as £0 or more"."""
        if self.thing is None:
            return message
        return re.sub(
            r"^Enter an amount (of )?",
            lambda found: f"Enter {self.thing} {'as ' if found.group(1) else ''}",
            message,
        )

    def format(self, value: Any) -> str:
        return pence_to_input(value)


class WholeNumberField(ParsedField):
    def __init__(
        self, label: str, *, thing: str, minimum: int, maximum: int, optional: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(label, required=None if optional else f"Enter {thing}", **kwargs)
        self.thing, self.minimum, self.maximum = thing, minimum, maximum

    def parse(self, text: str) -> int:
        if not re.fullmatch(r"\d{1,6}", text, flags=re.ASCII):
            raise ValueError(f"Enter {self.thing} as a whole number, like {self.minimum + 1}")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise ValueError(f"Enter {self.thing} between {self.minimum} and {self.maximum}")
        return number


_COUNT = re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)", flags=re.ASCII)


class CountField(WholeNumberField):
    """A whole number as people write it, "1,200" too; a negative one or one beyond the limit is answered with
    the limit ("Enter the number for ‘Meals served’ as 0 or more")."""

    def parse(self, text: str) -> int:
        found = _COUNT.fullmatch(text.replace(" ", ""))
        if found is None:
            raise ValueError(f"Enter {self.thing} as a whole number, like {self.minimum + 1}")
        negative, digits = bool(found[1]), found[2].replace(",", "").lstrip("0") or "0"
        # Far beyond any limit (and Python refuses to read thousands of digits as a number).
        number = int(digits) if len(digits) <= 15 else 10**15
        number = -number if negative else number
        if number < self.minimum:
            raise ValueError(f"Enter {self.thing} as {self.minimum:,} or more")
        if number > self.maximum:
            raise ValueError(f"Enter {self.thing} as {self.maximum:,} or less")
        return number


_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?", flags=re.ASCII | re.IGNORECASE)


def parse_time_of_day(text: str) -> time:
    """'23:45', '11:45pm', '9am', '9.30 a.m.', 'midday' -> a time. Refuses '9' (morning or evening?)."""
    words = text.strip().lower()
    if words in {"midday", "noon", "12 noon"}:
        return time(12, 0)
    match = _TIME.fullmatch(words)
    if not match:
        raise ValueError("Enter a time, like 9am, 5:30pm or 17:30")
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if minute > 59:
        raise ValueError("Enter a time, like 9am, 5:30pm or 17:30")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError("Enter a time, like 9am, 5:30pm or 17:30")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    elif match.group(2) is None or hour > 23:
        raise ValueError("Enter a time, like 9am, 5:30pm or 17:30")
    return time(hour, minute)


def format_time_of_day(value: time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def check_real_time(day: date | None, clock: time | None) -> None:
    """Refuse a UK time that never happens: the hour skipped when the clocks go forward."""
    if day is None or clock is None:
        return
    if to_london(london_to_utc(day, clock)).time() != clock:
        raise ValidationError(
            f"{format_time_of_day(clock)} does not exist on {day.day} {day:%B %Y} because the clocks go forward. "
            "Enter a time before 1am or from 2am"
        )


class TimeOfDayField(ParsedField):
    def parse(self, text: str) -> time:
        return parse_time_of_day(text)

    def format(self, value: Any) -> str:
        return format_time_of_day(value)


class DayField(ParsedField):
    """GOV.UK's date input (day, month, year boxes sharing one name). Tolerates a POST that leaves out
    some or all of the boxes, which would otherwise crash govuk-frontend-wtf's widget."""

    def __init__(self, label: str, *, required: str | None, **kwargs: Any) -> None:
        super().__init__(label, required=required, widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(part).strip() for part in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        self.problem = None
        self.text = " ".join(parts).strip()
        if not any(parts):
            return
        day, month, year = parts
        if not all(parts):
            missing = [name for name, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part]
            self.problem = f"{self.label.text} must include {' and '.join(missing)}"
            return
        if not all(re.fullmatch(r"\d{1,4}", part, flags=re.ASCII) for part in parts) or len(year) != 4:
            self.problem = f"{self.label.text} must be a real date"
            return
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self.problem = f"{self.label.text} must be a real date"

    def _value(self) -> str:
        return ""
