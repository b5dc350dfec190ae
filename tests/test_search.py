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


def _reference_score(query_words, haystack):
    """The matcher as first written (per-character tokenising, no shortcuts):
    the faster one must agree with it on every input."""
    def _prefix_match(word, tokens):
        best = None
        for start in range(len(tokens)):
            rest, skipped, i = word, 0, start
            while rest and i < len(tokens):
                tok, n = tokens[i], 0
                while n < len(rest) and n < len(tok) and rest[n] == tok[n]:
                    n += 1
                if n:
                    rest = rest[n:]
                elif i > start:
                    skipped += 1
                else:
                    break
                i += 1
            if not rest:
                best = skipped if best is None else min(best, skipped)
        return best

    score, tokens = 0, None
    for word in query_words:
        pos = haystack.find(word)
        if pos >= 0:
            score += 0 if pos == 0 or not haystack[pos - 1].isalnum() else 1
            continue
        if tokens is None:
            tokens = "".join(c if c.isalnum() else " " for c in haystack).split()
        skipped = _prefix_match(word, tokens)
        if skipped is None:
            return None
        score += 10 + skipped
    return score


def test_fast_matcher_agrees_with_the_plain_one():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    letters = st.sampled_from(list("abjsmé'_- 6ñ"))
    words = st.lists(st.text(letters.filter(lambda c: c != " "), min_size=1, max_size=4), min_size=1, max_size=3)

    @settings(max_examples=400, deadline=None)
    @given(words, st.text(letters, max_size=30))
    def check(query, haystack):
        assert fuzzy_score(query, haystack) == _reference_score(query, haystack)

    check()


def test_accents_fold_in_query_and_haystack():
    """Issue 13: `ciaran` found nobody though Ciarán Walsh exists."""
    import unicodedata

    from coachtui.base.fuzzy import fold

    def m(q, text):
        return fuzzy_score(split_query(q), fold(text)) is not None

    assert m("ciaran", "Ciarán Walsh")
    assert m("ni bhriain", "Hannah Ní Bhriain")
    assert m("Ciarán", "Ciaran Walsh")
    assert m("zoe", "Zoë Park") and m("ZOË", "zoe park")
    nfd = unicodedata.normalize("NFD", "Ciarán")
    assert m(nfd, "Ciarán Walsh") and m("ciarán", unicodedata.normalize("NFD", "Ciarán Walsh"))
    assert m("strasse", "Straße")
    assert fold("Jane Smith") == "jane smith"


def test_roster_haystack_is_folded():
    from coachtui.base.fuzzy import fold
    from coachtui.roster import staff

    assert staff.roster_rows  # the roster builds its haystack once per row with fold()
    import inspect

    assert "fold(" in inspect.getsource(staff.roster_rows)
    assert fold("Ní Bhriain") == "ni bhriain"
