"""The statutory clock on concrete 2023 dates around May Day (Apr 29–May 3 off; Sun Apr 23 and
Sat May 6 make-up workdays) and National Day (Sep 29–Oct 6 off; Sat Oct 7, Sun Oct 8 worked)."""

import datetime

import pytest

from shigan.core.calendar import CalendarError
from shigan.petitions import clock

pytestmark = pytest.mark.django_db

d = datetime.date


@pytest.fixture(autouse=True)
def _calendar(calendar_2023):
    pass


def test_a_period_ending_in_the_may_day_holiday_runs_to_the_next_working_day():
    # Received on Sunday Apr 16: day 15 is May 1 (holiday) → Thursday May 4.
    assert clock.period_end(d(2023, 4, 16), 15) == d(2023, 5, 4)
    # Day 15 on an ordinary working day stays put.
    assert clock.period_end(d(2023, 4, 10), 15) == d(2023, 4, 25)
    # Day 15 on an ordinary Saturday moves to Monday.
    assert clock.period_end(d(2023, 3, 3), 15) == d(2023, 3, 20)


def test_a_period_ending_in_national_day_ends_on_the_make_up_saturday():
    # Sep 15 + 15 = Sep 30 (holiday); Saturday Oct 7 is a working day.
    assert clock.period_end(d(2023, 9, 15), 15) == d(2023, 10, 7)


def test_the_objection_period_counts_working_days_only():
    # Notice Wed Apr 26: Apr 27, Apr 28, May 4, May 5, Sat May 6 (make-up) → May 6.
    assert clock.objection_end(d(2023, 4, 26)) == d(2023, 5, 6)
    # Notice Wed Sep 27: Sep 28, Oct 7, Oct 8, Oct 9, Oct 10.
    assert clock.objection_end(d(2023, 9, 27)) == d(2023, 10, 10)
    # The same five days in calendar days would have ended in the holiday.
    assert clock.period_end(d(2023, 9, 27), 5) == d(2023, 10, 7)


def test_handling_period_with_and_without_an_extension():
    accepted = d(2023, 8, 1)
    # 60 days → Sep 30 (holiday) → Oct 7.
    assert clock.handling_due(accepted) == d(2023, 10, 7)
    assert clock.replied_on_time(accepted, d(2023, 10, 7))
    assert not clock.replied_on_time(accepted, d(2023, 10, 8))
    # With the maximum extension: 90 days → Monday Oct 30.
    assert clock.handling_due(accepted, 30) == d(2023, 10, 30)
    assert clock.replied_on_time(accepted, d(2023, 10, 30), 30)
    assert not clock.replied_on_time(accepted, d(2023, 10, 31), 30)


def test_the_clock_of_a_petition_late_even_with_sixty_plus_thirty_days():
    facts = clock.Facts(
        received_on=d(2023, 2, 20),
        handed_on=d(2023, 2, 22),
        routed_on=d(2023, 2, 22),
        accepted_on=d(2023, 3, 1),
        notified_on=d(2023, 3, 1),
        extension_days=30,
        replied_on=d(2023, 5, 31),  # Mar 1 + 90 = May 30 (Tue)
    )
    result = clock.clock(facts)
    handle = result.step("handle")
    assert handle.due_on == d(2023, 5, 30)
    assert handle.late
    assert result.step("route").due_on == d(2023, 3, 7) and not result.step("route").late
    assert result.step("notice").due_on == d(2023, 3, 9)
    assert result.step("objection").due_on == d(2023, 3, 8) and result.step("objection").workdays
    # The petitioner may ask for a review until 30 days after the reply (Jun 30, Friday).
    assert result.step("review_request").due_on == d(2023, 6, 30)
    assert result.next_duty() is None


def test_reviews_and_the_hearing_time_not_counted():
    review = clock.ReviewFacts("review", d(2023, 6, 5), decided_on=d(2023, 6, 30))
    rereview = clock.ReviewFacts("rereview", d(2023, 7, 10), hearing_days=3)
    facts = clock.Facts(
        received_on=d(2023, 3, 1),
        accepted_on=d(2023, 3, 1),
        notified_on=d(2023, 3, 1),
        replied_on=d(2023, 4, 20),
        reviews=(review, rereview),
    )
    result = clock.clock(facts)
    assert result.step("review").due_on == d(2023, 7, 5)
    assert not result.step("review").late
    # Re-review: Jul 10 + 30 + 3 hearing days = Aug 12 (Saturday) → Monday Aug 14.
    assert result.step("rereview").due_on == d(2023, 8, 14)
    assert result.next_duty().key == "rereview"
    assert clock.next_review_level(facts) is None
    assert not result.final
    decided = clock.Facts(
        **{
            **facts.__dict__,
            "reviews": (
                review,
                clock.ReviewFacts("rereview", d(2023, 7, 10), decided_on=d(2023, 8, 1)),
            ),
        }
    )
    assert clock.clock(decided).final
    assert clock.next_review_level(decided) is None


def test_which_review_comes_next():
    replied = clock.Facts(
        received_on=d(2023, 3, 1), accepted_on=d(2023, 3, 1), replied_on=d(2023, 4, 1)
    )
    assert clock.next_review_level(clock.Facts(received_on=d(2023, 3, 1))) is None
    assert clock.next_review_level(replied) == "review"
    pending = clock.Facts(
        **{**replied.__dict__, "reviews": (clock.ReviewFacts("review", d(2023, 4, 5)),)}
    )
    assert clock.next_review_level(pending) is None
    done = clock.Facts(
        **{
            **replied.__dict__,
            "reviews": (clock.ReviewFacts("review", d(2023, 4, 5), d(2023, 4, 20)),),
        }
    )
    assert clock.next_review_level(done) == "rereview"
    # The request window counts from when the petitioner was told.
    told = clock.Facts(**{**replied.__dict__, "told_on": d(2023, 4, 3)})
    assert clock.review_request_due(told, "review") == d(2023, 5, 4)  # May 3 is a holiday


def test_days_left_and_hearing_days():
    step = clock.Step("x", "", "", clock.DUTY, d(2023, 9, 1), d(2023, 10, 7))
    assert step.days_left(d(2023, 9, 28)) == 9
    assert step.overdue(d(2023, 10, 8)) and not step.overdue(d(2023, 10, 7))
    window = clock.Step("y", "", "", clock.WINDOW, d(2023, 9, 27), d(2023, 10, 10), workdays=True)
    assert window.days_left(d(2023, 9, 28)) == 4  # Oct 7, 8, 9, 10
    assert window.closed(d(2023, 10, 11)) and not window.overdue(d(2023, 10, 11))
    assert clock.hearing_days(d(2023, 7, 20), d(2023, 7, 22)) == 3
    assert clock.hearing_days(None, None) == 0


def test_a_year_without_calendar_data_is_refused_not_guessed():
    with pytest.raises(CalendarError) as caught:
        clock.period_end(d(2031, 12, 20), 15)
    assert caught.value.code == "no_calendar"
