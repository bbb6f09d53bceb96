"""The numbering hierarchy, on a document in forms the seeds lack."""

from __future__ import annotations

from graph.document import parse_document
from graph.model import SourceText
from graph.textio import read_document
from graph.structure import own_ranges

DOC = """广州市促进科技创新若干措施
首页 | 政务公开 | 政务服务
一、总体目标
到2025年，全市高新技术企业超过15000家。
二、主要措施
1．支持企业研发。
（1）落实研发费用加计扣除政策。
（2）实施创新券制度。一是扩大覆盖面；二是简化兑付流程。
①对首次认定的企业给予奖励。
2、推进成果转化。
三、保障措施
(一)加强组织领导。
浏览次数：1024
上一篇：关于印发某某的通知
"""


def test_levels_nest_and_skip():
    src = SourceText("gz.txt", DOC, "utf-8")
    doc = parse_document(src)
    codes = [m.code for m in doc.measures]
    assert codes == [
        "一",
        "二",
        "二.1",
        "二.1.(1)",
        "二.1.(2)",
        "二.1.(2).一是",
        "二.1.(2).二是",
        "二.1.(2).①",
        "二.2",
        "三",
        "三.(一)",
    ]
    by = {m.code: m for m in doc.measures}
    assert by["二.1.(2).二是"].parent == "二.1.(2)"
    assert by["一"].section_kind == "goals" and by["二.1.(1)"].section_kind == "tasks"
    assert by["三.(一)"].section_kind == "safeguards"
    assert by["二.1"].title == "支持企业研发"


def test_spans_are_exact_and_furniture_stays_out():
    src = SourceText("gz.txt", DOC, "utf-8")
    doc = parse_document(src)
    for m in doc.measures:
        assert src.text[m.span.start : m.span.end] == m.span.quote
        assert "浏览次数" not in m.span.quote and "上一篇" not in m.span.quote
    assert doc.header.title and doc.header.title.quote == "广州市促进科技创新若干措施"


def test_own_ranges_stop_at_the_first_child():
    src = SourceText("gz.txt", DOC, "utf-8")
    doc = parse_document(src)
    own = own_ranges(doc.measures)
    s, e = own["二.1"]
    assert DOC[s:e].strip() == "1．支持企业研发。"


def test_a_documents_closing_words_belong_to_no_item():
    text = "一、重点任务\n1.加快建设创新平台。支持企业建设研发中心。\n本方案自印发之日起施行，有效期至2025年12月31日。\n"
    src = SourceText("closing.txt", text, "utf-8")
    doc = parse_document(src)
    last = doc.measures[-1]
    assert last.code == "一.1" and "施行" not in last.span.quote
    assert last.span.quote.endswith("研发中心。")


def test_a_task_of_one_long_sentence_is_titled_by_its_first_clause():
    from graph.paths import RAW_DIR

    src = read_document(RAW_DIR / "xuchang-2020-plan-annex-tasks.txt")
    task = next(m for m in parse_document(src).measures if m.code == "(23)")
    assert task.title is not None and task.title.startswith("围绕电力装备") and len(task.title) <= 80
    assert src.text[task.title_span.start : task.title_span.end] == task.title


def test_a_cover_notice_that_assigns_work_is_a_measure_that_passes_nothing_down():
    from graph.document import parse_document
    from graph.model import SourceText

    text = ("宜宾市人民政府办公室关于印发《2023年科技创新工作要点》的通知\n"
            "各县（区）人民政府，市级各部门：\n"
            "《2023年科技创新工作要点》已经市政府同意，现印发给你们，请认真组织实施。各项任务纳入年度目标绩效考核，"
            "由市委目标办牵头组织考核；市科技局负责做好工作要点实施情况的跟踪调度。\n"
            "2023年科技创新工作要点\n"
            "一、建设创新平台\n"
            "新建省级研发平台10个。（责任单位：市科技局）\n")
    doc = parse_document(SourceText("n.txt", text, "utf-8"))
    notice = doc.measures[0]
    assert (notice.code, notice.section_kind, notice.actionable) == ("通知", "notice", False)
    assert notice.span.quote.startswith("《2023年科技创新工作要点》已经市政府同意")
    # a notice that only transmits the document makes none
    plain = text.replace("各项任务纳入年度目标绩效考核，由市委目标办牵头组织考核；市科技局负责做好工作要点实施情况的跟踪调度。", "")
    assert [m.code for m in parse_document(SourceText("p.txt", plain, "utf-8")).measures] == ["一"]
