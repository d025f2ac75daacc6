"""The exit survey: its current version (one item, questions inline) and members' answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from devdevdev.store import keys
from devdevdev.store.models import SurveyAnswerItem, SurveyItem


@dataclass(frozen=True)
class SurveyOption:
    id: int
    title: str
    content: str | None
    sort_order: int


@dataclass(frozen=True)
class SurveyQuestion:
    id: int
    title: str
    content: str | None
    sort_order: int
    options: tuple[SurveyOption, ...]


@dataclass(frozen=True)
class Survey:
    version_id: int
    questions: tuple[SurveyQuestion, ...]

    def question(self, question_id: int) -> SurveyQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _question(raw: dict) -> SurveyQuestion:
    options = tuple(
        SurveyOption(int(o["id"]), o["title"], o.get("content"), int(o.get("sortOrder", 0)))
        for o in raw.get("options", [])
    )
    return SurveyQuestion(int(raw["id"]), raw["title"], raw.get("content"), int(raw.get("sortOrder", 0)), options)


class SurveyRepository:
    """The current survey version and the answers given to it."""

    def current(self) -> Survey | None:
        """The active survey version, or None when none is configured."""
        try:
            item = SurveyItem.get(*keys.current_survey())
        except DoesNotExist:
            return None
        return Survey(int(item.version_id), tuple(_question(q) for q in item.questions or []))

    def put(self, version_id: int, version_name: str, questions: list[dict]) -> None:
        """Make a survey version the current one (questions with their options inline)."""
        SurveyItem(*keys.current_survey(), version_id=version_id, version_name=version_name, questions=questions).save()

    def add_answer(
        self, member_id: int, version_id: int, question_id: int, answer_id: int, options: list[dict], now: datetime
    ) -> None:
        """Record one answer; answers are kept, never overwritten (as upstream's append-only table)."""
        SurveyAnswerItem(
            *keys.survey_answer(member_id, version_id, question_id, answer_id),
            question_id=question_id,
            options=options,
            answered_at=now,
        ).save()

    def answered_questions(self, member_id: int, version_id: int) -> set[int]:
        """The questions of a survey version that the member has answered at least once (one Query)."""
        pk, _ = keys.member(member_id)
        items = SurveyAnswerItem.query(
            pk,
            range_key_condition=SurveyAnswerItem.sk.startswith(keys.survey_answers_prefix(version_id)),
            attributes_to_get=["questionId"],
        )
        return {int(item.question_id) for item in items}
