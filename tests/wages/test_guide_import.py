"""The city's HR bureau loads its wage guide (工资指导价) from a CSV file: all or nothing, bad rows named by line."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import TradeFactory, TradeGroupFactory
from wages.models import WageGuide
from wages.services import DEMO_GUIDE, import_wage_guide, load_demo_guide

HEADER = "trade,pay_unit,area,low,median,high,effective_from,source,demo\n"


@pytest.fixture
def trades(db):
    group = TradeGroupFactory()
    return {"labourer": TradeFactory(parent=group),
            "cleaner": TradeFactory(parent=group, code="cleaner", name="保洁员", pay_units=["hour", "day"])}


def write(tmp_path, body: str):
    path = tmp_path / "guide.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_file_is_imported_whole_and_a_second_import_replaces_the_same_lines(trades, tmp_path):
    path = write(tmp_path, "labourer,day,全市,150,175,200,2024-01-01,市人社局,no\n"
                           "保洁员,hour,610202,22,26,30,2024-01-01,市人社局,yes\n")
    out = StringIO()
    call_command("import_wage_guide", str(path), "--no-progress", stdout=out)
    assert "2 line(s) added" in out.getvalue()
    city = WageGuide.objects.get(trade=trades["labourer"])
    assert (city.region_code, city.low, city.median, city.high, city.is_demo) == (
        "", Decimal("150"), Decimal("175"), Decimal("200"), False)
    assert WageGuide.objects.get(trade=trades["cleaner"]).region_code == "610202"

    path = write(tmp_path, "labourer,day,,160,180,210,2024-01-01,市人社局,no\n")
    call_command("import_wage_guide", str(path), "--no-progress", stdout=out)
    assert WageGuide.objects.count() == 2 and WageGuide.objects.get(trade=trades["labourer"]).low == 160


def test_one_bad_row_is_named_by_its_line_and_nothing_changes(trades, tmp_path):
    path = write(tmp_path, "labourer,day,全市,150,175,200,2024-01-01,市人社局,no\n"
                           "plumber,day,全市,150,175,200,2024-01-01,市人社局,no\n"   # line 3: no such trade
                           "labourer,piece,全市,1,2,3,2024-01-01,市人社局,no\n"      # line 4: not paid per piece
                           "cleaner,hour,61020X,30,26,22,2024-13-01,,maybe\n")      # line 5: five mistakes
    err = StringIO()
    with pytest.raises(CommandError, match="unchanged"):
        call_command("import_wage_guide", str(path), "--no-progress", stderr=err)
    said = err.getvalue()
    assert "line 3, trade" in said and "line 4, pay_unit" in said
    for column in ("area", "median", "effective_from", "source", "demo"):
        assert f"line 5, {column}" in said
    assert "line 2" not in said
    assert not WageGuide.objects.exists()


def test_partial_imports_the_good_rows_and_lists_the_bad(trades, tmp_path):
    path = write(tmp_path, "labourer,day,全市,150,175,200,2024-01-01,市人社局,no\n"
                           "cleaner,hour,全市,abc,26,30,2024-01-01,市人社局,no\n"
                           "labourer,day,全市,150,175,200,2024-01-01,市人社局,no\n")  # the same as line 2
    out, err = StringIO(), StringIO()
    call_command("import_wage_guide", str(path), "--partial", "--no-progress", stdout=out, stderr=err)
    assert "line 3, low" in err.getvalue() and "line 4, trade" in err.getvalue()
    assert "1 line(s) added" in out.getvalue() and "2 error(s) skipped" in out.getvalue()
    assert list(WageGuide.objects.values_list("trade__code", flat=True)) == ["labourer"]


def test_text_is_read_after_nfkc_and_a_missing_column_is_refused(trades):
    report = import_wage_guide([HEADER, "ｌａｂｏｕｒｅｒ,ｄａｙ,全市,１５０,１７５,２００,2024-01-01,局,是\n"])
    assert report.created == 1 and WageGuide.objects.get().low == 150
    report = import_wage_guide(["trade,pay_unit,low\n", "labourer,day,150\n"])
    assert report.errors[0].line == 1 and "median" in report.errors[0].column and not report.applied


def test_digits_of_other_scripts_are_not_amounts(trades):
    report = import_wage_guide([HEADER, "labourer,day,全市,١٥٠,175,200,2024-01-01,局,no\n"])
    assert [error.column for error in report.errors] == ["low"]


def test_a_line_dated_in_a_year_the_market_never_reaches_is_refused(trades):
    report = import_wage_guide([HEADER, "labourer,day,全市,150,175,200,9999-01-01,局,no\n",
                                "labourer,hour,全市,20,25,30,1999-12-31,局,no\n"])
    assert [(error.line, error.column) for error in report.errors] == [(2, "effective_from"), (3, "effective_from")]
    assert "2000-01-01" in report.errors[0].message and not WageGuide.objects.exists()


def test_the_demo_guide_loads_marked_as_demo(db):
    from jobs.services import sync_taxonomy

    sync_taxonomy()
    report = load_demo_guide()
    assert not report.errors and report.created == len(DEMO_GUIDE.read_text().splitlines()) - 1
    assert not WageGuide.objects.filter(is_demo=False).exists()
    bagging = WageGuide.objects.get(trade__code="apple_bagging")
    assert (bagging.pay_unit, bagging.low, bagging.high) == ("piece", Decimal("0.08"), Decimal("0.10"))
    assert load_demo_guide().updated == report.created  # safe to rerun
    assert WageGuide.objects.filter(effective_from=dt.date(2024, 1, 1)).count() == report.created
