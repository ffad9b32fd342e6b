"""Chinese search over released results (ADR 0050): bigram tokens in SQLite FTS5 / PostgreSQL
GIN, two-character queries, exact substrings, filters, paging and the count cap. The same tests
run on both databases."""

import datetime

import pytest
from django.utils import timezone

from sanxiang.publicity import public, search, services
from sanxiang.testing import factories

D = datetime.date


def test_document_tokens_are_bigrams_then_the_last_character():
    assert search.document_tokens(["安泰煤业"]) == "安泰 泰煤 煤业 业"
    assert search.document_tokens(["煤"]) == "煤"
    assert (
        search.document_tokens(["测（甲）煤安罚〔2026〕12号"])
        == "测 甲 煤安 安罚 罚 20 02 26 6 12 2号 号"
    )
    assert search.document_tokens(["ＡＢ"], ["zcpenalty"]) == "ab b zcpenalty"


def test_queries_become_phrases_and_never_carry_syntax():
    query = search.SearchQuery(
        q='安泰煤业 "培训" 煤 x\'; DROP TABLE--', category="penalty", agency_id=4
    )
    assert query.fts5() == (
        '"安泰 泰煤 煤业" AND "培训" AND "dr ro op" AND "ta ab bl le" AND "zcpenalty" AND "za4"'
    )
    assert query.tsquery() == (
        "(安泰 <-> 泰煤 <-> 煤业) & 培训 & (dr <-> ro <-> op) & (ta <-> ab <-> bl <-> le)"
        " & zcpenalty & za4"
    )
    assert query.ignored == ["煤", "x"] and not query.unsearchable
    assert search.SearchQuery(q="煤 矿", category="penalty").unsearchable
    assert search.SearchQuery(q="!!! ——").empty_text


def test_key_order_is_decision_date_then_id():
    assert search.sort_key(D(2026, 1, 2), 5) > search.sort_key(D(2026, 1, 1), 999_999)
    low, high = search.key_range(D(2026, 1, 1), D(2026, 1, 1))
    assert low <= search.sort_key(D(2026, 1, 1), 7) <= high < search.sort_key(D(2026, 1, 2), 0)


def _release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


def _publish(team, *, mine, decided_on, facts, category="penalty", agency=None, number="1"):
    fields = {
        "decision_number": f"测（甲）煤安罚〔{decided_on.year}〕{number}号",
        "violation_type": "违法违规行为",
        "violation_facts": facts,
        "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
        "penalty_category": "罚款",
        "penalty_content": "罚款人民币一万元。",
        "valid_until": "2099-12-31",
    }
    if category == "inspection":
        fields = {
            "enforcement_type": "现场检查",
            "conclusion": facts,
            "decision_number": f"检〔{number}〕号",
        }
    publication = services.publication_manual_create(
        actor=team["editor"],
        agency=agency or team["mine"].supervising_agency,
        category=category,
        decided_on=decided_on,
        mine=mine,
        fields=fields,
    )
    return _release(team, publication)


@pytest.fixture
def corpus(team, province):
    sub_b_team = factories.publicity_team(agency=province["b"])
    other = factories.mine(
        agency=province["b"], name="乙县泰安煤业有限公司", division_code="140202"
    )
    today = timezone.localdate()
    records = {
        "antai": _publish(
            team,
            mine=team["mine"],
            decided_on=today - datetime.timedelta(days=3),
            number="1",
            facts="井下作业人员未经安全培训上岗，当事人联系电话13812345678。",
        ),
        "old": _publish(
            team,
            mine=team["mine"],
            decided_on=D(2025, 3, 1),
            number="2",
            facts="未按规定设置安全出口。",
        ),
        "inspection": _publish(
            team,
            mine=team["mine"],
            decided_on=today - datetime.timedelta(days=1),
            category="inspection",
            number="3",
            facts="检查通风系统，未发现问题。",
        ),
        "taian": _publish(
            sub_b_team,
            mine=other,
            decided_on=today - datetime.timedelta(days=2),
            number="4",
            facts="安全培训记录缺失。",
            agency=province["b"],
        ),
    }
    return records


def ids(query, **kwargs):
    return [hit.id for hit in public.result_search(search.SearchQuery(**query), **kwargs).hits]


@pytest.mark.django_db
def test_two_character_queries_and_exact_substrings(corpus):
    c = corpus
    assert ids({"q": "培训"}) == [c["taian"].pk, c["antai"].pk]  # newest decision first
    assert set(ids({"q": "安泰煤业"})) == {c["antai"].pk, c["old"].pk, c["inspection"].pk}
    assert ids({"q": "泰安煤业"}) == [c["taian"].pk]
    assert ids({"q": "安全培训"}) == [c["taian"].pk, c["antai"].pk]
    assert ids({"q": "培训安全"}) == []  # bigrams present, but not as this substring
    assert ids({"q": "通风 问题"}) == [c["inspection"].pk]
    assert ids({"q": "出"}) == []  # a single character is not searched
    assert ids({"q": "出口 矿"}) == [c["old"].pk]  # … and is dropped beside real terms
    assert ids({"q": "2025"}) == [c["old"].pk]
    assert ids({"q": "〔2025〕2号"}) == [c["old"].pk]


@pytest.mark.django_db
def test_withheld_text_is_not_searchable(corpus):
    assert ids({"q": "13812345678"}) == []
    assert ids({"q": "联系电话"}) == [corpus["antai"].pk]


@pytest.mark.django_db
def test_filters_alone_and_with_keywords(corpus, province, team):
    c = corpus
    assert ids({"category": "inspection"}) == [c["inspection"].pk]
    assert ids({"agency_id": province["b"].pk}) == [c["taian"].pk]
    assert (
        len(ids({"agency_id": province["provincial"].pk})) == 4
    )  # an agency includes those below it
    assert ids({"region": "1402"}) == [c["taian"].pk]
    assert ids({"region": "14"}) == [c["inspection"].pk, c["taian"].pk, c["antai"].pk, c["old"].pk]
    assert ids({"date_from": D(2025, 1, 1), "date_to": D(2025, 12, 31)}) == [c["old"].pk]
    assert ids({"q": "培训", "agency_id": province["a"].pk}) == [c["antai"].pk]
    assert ids({"q": "培训", "category": "inspection"}) == []
    assert ids({"q": "安全", "date_to": D(2025, 12, 31)}) == [c["old"].pk]


@pytest.mark.django_db
def test_paging_huge_pages_and_the_count_cap(corpus, monkeypatch):
    page = public.result_search(search.SearchQuery(), page=1, page_size=3)
    assert page.total == 4 and page.num_pages == 2 and len(page.hits) == 3 and page.has_next
    assert len(public.result_search(search.SearchQuery(), page=2, page_size=3).hits) == 1
    assert public.result_search(search.SearchQuery(), page=3, page_size=3).hits == []
    huge = public.result_search(search.SearchQuery(q="培训"), page=10**9)
    assert huge.hits == [] and huge.total == 0
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    capped = public.result_search(search.SearchQuery(q="安全"))
    assert capped.capped and capped.total == 2


@pytest.mark.django_db
def test_withdrawn_results_leave_the_index(corpus, team):
    services.publication_withdraw(
        actor=team["head"],
        publication=corpus["antai"],
        reason="决定被撤销。",
        reason_kind="revoked",
    )
    assert ids({"q": "培训"}) == [corpus["taian"].pk]


@pytest.fixture
def years(team):
    """Two results a year from 2022 to 2025, all about 培训, keyed newest first."""
    made = []
    for n, day in enumerate(
        [
            D(2025, 11, 3),
            D(2025, 2, 1),
            D(2024, 12, 31),
            D(2024, 1, 1),
            D(2023, 6, 5),
            D(2023, 6, 4),
            D(2022, 12, 31),
            D(2022, 1, 2),
        ]
    ):
        made.append(
            _publish(
                team,
                mine=team["mine"],
                decided_on=day,
                number=str(10 + n),
                facts="安全培训不到位。",
            )
        )
    return [p.pk for p in made]


@pytest.mark.django_db
def test_results_across_years_page_and_count_like_one_list(years, monkeypatch):
    assert ids({"q": "培训"}) == years
    for page_size in (1, 3, 5):
        pages = [
            ids({"q": "培训"}, page=n, page_size=page_size)
            for n in range(1, len(years) // page_size + 2)
        ]
        assert [key for page in pages for key in page] == years
    in_range = {"q": "安全培训", "date_from": D(2023, 6, 5), "date_to": D(2024, 12, 31)}
    assert ids(in_range) == years[2:5]
    monkeypatch.setattr(search, "COUNT_CAP", 4)  # the cap is reached inside 2023
    capped = public.result_search(search.SearchQuery(q="培训"), page=1, page_size=3)
    assert capped.capped and capped.total == 4
    assert [h.id for h in capped.hits] == years[:3]
    assert ids({"q": "培训"}, page=2, page_size=3) == years[3:6]
    monkeypatch.setattr(search, "COUNT_CAP", 5)  # … reached exactly at the end of a year
    exact = public.result_search(search.SearchQuery(q="培训"), page=2, page_size=3)
    assert exact.capped and exact.total == 5 and [h.id for h in exact.hits] == years[3:6]


def test_year_slices_run_newest_first_and_stay_inside_the_range():
    from sanxiang.publicity.search_postgres import year_slices

    first, last = search.sort_key(D(2024, 3, 1), 5), search.sort_key(D(2026, 2, 1), 9)
    slices = list(year_slices(first, last))
    assert slices == [
        (search.sort_key(D(2026, 1, 1), 0), last),
        (search.sort_key(D(2025, 1, 1), 0), search.sort_key(D(2026, 1, 1), 0) - 1),
        (first, search.sort_key(D(2025, 1, 1), 0) - 1),
    ]
    assert list(year_slices(first, first)) == [(first, first)]


@pytest.mark.django_db
def test_postgres_search_vectors_follow_the_entries(corpus):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the year-partitioned tsvector table exists on PostgreSQL only")
    from sanxiang.publicity.models import PublicEntry

    def vectors():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM publicity_searchvector ORDER BY id")
            return [row[0] for row in cursor.fetchall()]

    assert vectors() == sorted(PublicEntry.objects.values_list("id", flat=True))
    entry = PublicEntry.objects.get(publication=corpus["antai"])
    PublicEntry.objects.filter(pk=entry.pk).update(terms="新词 词")
    assert ids({"q": "新词"}) == [corpus["antai"].pk] and ids({"q": "联系电话"}) == []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute("TRUNCATE publicity_publicentry")
    assert vectors() == []
