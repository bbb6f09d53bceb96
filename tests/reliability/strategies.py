"""Hypothesis strategies for policy-like text: numbering, clauses, tables, mixed punctuation.

Shared by the property tests. Texts are built from the pieces the parsers
look for, glued with arbitrary characters, so both the recognized paths and
the odd corners between them are exercised.
"""

from __future__ import annotations

from hypothesis import strategies as st

CN = "一二三四五六七八九十"
LABELS = st.sampled_from([
    "{c}、", "{c}.", "({c})", "（{c}）", "{d}.", "{d}、", "{d}．", "({d})", "（{d}）", "①", "⑳", "{c}是",
    "{c}是", "第{c}条", "附件{d}：", "{c}十{c}、", "({d}{d})", "{d}.{d}", "",
]).flatmap(lambda fmt: st.builds(lambda c, d: fmt.format(c=c, d=d),
                                 st.sampled_from(CN), st.integers(0, 120).map(str)))
UNITS = st.sampled_from([
    "市科技局", "市财政局", "市工信局", "市发展改革委", "各县（市、区）政府", "示范区管委会", "中科院",
    "市人社局和市教育局", "北京大学", "有关部门", "市委组织部", "X", "",
])
ROLE_WORDS = st.sampled_from(["责任单位", "牵头单位", "配合单位", "责任主体", "主要责任单位",
                              "协同配合单位", "考核单位", "完成时限", "分值"])
PUNCT = st.sampled_from(list("。，、；：（）()《》“”‘’\"'!！?？;:,.[]【】〔〕﹝﹞［］-—~～ \u3000\xa0\u200b\ufeff\t|"))
BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n\t", "\t"])
PHRASES = st.sampled_from([
    "加强组织领导", "实施科技型中小企业“春笋”计划", "到2025年，高新技术企业达到500家以上",
    "支持揭榜挂帅", "建设新型研发机构", "总体要求", "主要目标", "保障措施", "发展基础",
    "许昌市人民政府", "关于印发《许昌市科技创新行动计划》的通知", "许政〔2020〕18号", "2021年3月5日",
    "集成电路", "生物医药", "研发投入强度达到2.5%", "文件编号：承政办字[2021]24号",
])


def clause():
    return st.builds(
        lambda o, r1, us, sep, c: f"{o}{r1}{sep}{'、'.join(us)}{c}",
        st.sampled_from(["（", "(", "", "【"]), ROLE_WORDS, st.lists(UNITS, max_size=4),
        st.sampled_from(["：", ":", "", "：\u3000"]), st.sampled_from(["）", ")", "", "；", "。"]),
    )


def table_row():
    return st.lists(st.one_of(UNITS, PHRASES, LABELS, st.text(max_size=6)), min_size=1, max_size=7).map(
        lambda cells: "\t" + "\t".join(cells))


TABLE_HEADER = st.sampled_from([
    "序号\t重点任务\t牵头单位\t责任单位\t完成时限",
    "\t序号\n\t工作重点\n\t重点任务\n\t责任主体",
    "序号|主要任务|主要责任单位|协同配合单位|完成期限",
    "序号\t任务\t牵头",
])

PIECE = st.one_of(LABELS, PHRASES, UNITS, PUNCT, BREAKS, clause(), table_row(), TABLE_HEADER,
                  st.text(max_size=8))

policy_text = st.lists(PIECE, max_size=60).map("".join)
any_text = st.one_of(policy_text, st.text(max_size=300))

# A document made of lines that mostly start with a numbering label: most of
# these parse into measures, so the extractor (clauses, concepts, targets,
# inheritance) runs on them rather than stopping at "no structure".
LINE = st.builds(lambda lead, label, body: lead + label + "".join(body),
                 st.sampled_from(["", "", " ", "\u3000\u3000", "\t"]), LABELS,
                 st.lists(st.one_of(PHRASES, clause(), PUNCT, UNITS, st.text(max_size=4)), max_size=6))
structured_text = st.builds(
    lambda head, lines, breaks, table: head + "".join(l + b for l, b in zip(lines, breaks)) + table,
    st.lists(PHRASES, max_size=3).map("\n".join),
    st.lists(LINE, min_size=1, max_size=25),
    st.lists(BREAKS, min_size=25, max_size=25),
    st.one_of(st.just(""), st.builds(lambda h, rows: "\n" + h + "\n" + "\n".join(rows),
                                     TABLE_HEADER, st.lists(table_row(), max_size=6))),
)
document_text = st.one_of(structured_text, policy_text, st.text(max_size=300))
