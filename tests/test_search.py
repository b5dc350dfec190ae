from coachtui.base.fuzzy import fuzzy_score, split_query


def match(q, text):
    return fuzzy_score(split_query(q), text.lower()) is not None


def test_substrings_initials_and_no_scattered_letters():
    assert match("smi", "Jane Smith maths north")
    assert match("jsm", "Jane Smith maths north")
    assert match("jane maths", "Jane Smith maths north")
    assert match("o'b", "Liam O'Brien")
    assert not match("aisha", "Sam Brown st brigid's high english")  # letters scattered: no
    assert not match("zq", "Jane Smith")


def test_word_start_ranks_before_middle():
    assert fuzzy_score(["sam"], "sam brown") < fuzzy_score(["sam"], "usama ng")
    assert fuzzy_score(["smith"], "jane smith") < fuzzy_score(["jsm"], "jane smith")
