"""The one visibility policy: primary and complementary suppression over group sizes."""

from __future__ import annotations

from common.visibility import MIN_GROUP_SIZE, can_show, can_show_total, visible_cells, visible_groups


def test_a_figure_needs_five_people():
    assert MIN_GROUP_SIZE == 5
    assert not can_show(4) and can_show(5)
    assert not can_show_total(0) and can_show_total(12)


def test_no_group_hidden_means_every_group_shown():
    assert visible_groups({"a": 5, "b": 9}) == {"a", "b"}


def test_a_lone_hidden_group_takes_the_smallest_visible_one_with_it():
    # total 20 shown: without the complement, c = 20 - 6 - 10 = 4 people exactly.
    assert visible_groups({"a": 10, "b": 6, "c": 4}) == {"a"}


def test_hidden_groups_that_already_pool_to_five_need_no_complement():
    assert visible_groups({"a": 10, "b": 3, "c": 3}) == {"a"}
    assert visible_groups({"a": 10, "b": 2, "c": 2}) == set()  # 4 hidden: a must go too (then all hide)


def test_without_a_published_total_only_primary_suppression_applies():
    assert visible_groups({"a": 10, "b": 6, "c": 4}, total_shown=False) == {"a", "b"}


def test_empty_groups_are_not_groups():
    assert visible_groups({"a": 7, "b": 0}) == {"a"}


def test_a_cell_needs_its_group_and_enough_answers_and_is_complemented():
    groups = {"a", "b", "c"}
    # Question answered by 9, 8 and 2 of each group: cell c is hidden, so b's is too.
    assert visible_cells({"a": 9, "b": 8, "c": 2}, groups_shown=groups, total_shown=True) == {"a"}
    # A group hidden from the table stays hidden in every column.
    assert visible_cells({"a": 9, "b": 8}, groups_shown={"a"}, total_shown=True) == {"a"}
