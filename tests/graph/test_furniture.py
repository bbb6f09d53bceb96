"""graph/furniture.py: the chrome of a saved web page is told from policy text, line by line."""

from __future__ import annotations

import pytest

from graph.furniture import is_furniture, is_metadata


@pytest.mark.parametrize("line", [
    "您当前的位置：首页 > 政策文件 > 规范性文件",
    "当前位置：首页",
    "首页 | 政务公开 | 政策文件",
    "许昌市人民政府门户网站 | 政务服务",
    "浏览次数：1234",
    "阅读次数: 88",
    "扫一扫在手机打开当前页",
    "分享到：微信 微博",
    "【打印】",
    "打印本页",
    "【关闭】",
    "关闭窗口",
    "上一篇：关于做好2021年度科技计划项目申报的通知",
    "下一篇：无",
    "责任编辑：张三",
    "来源：市科技局",
    "【字体：大 中 小】",
    "索 引 号：11411000005747431D/2020-00087",
    "发布日期：2020-04-26",
    "（此件主动公开）",
    "2021-02-10 10:32:00",
    "2021-02-10",
])
def test_page_chrome_is_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "一、总体要求",
    "（一）实施科技型中小企业“春笋”计划。",
    "许昌市人民政府关于印发许昌市创新型城市建设实施方案的通知",
    "各县（市、区）人民政府，市人民政府各部门：",
    "2020年4月24日",  # a signature date is header, not chrome (graph/header.py reads it)
    "来源于企业的研发投入占比明显提高，全社会研发投入年均增长15%以上，形成一批具有核心竞争力的创新型企业和产业集群。",
])
def test_policy_text_is_not_furniture(line):
    assert not is_furniture(line)


@pytest.mark.parametrize("line, kept", [
    ("文件编号：许政〔2020〕18号", True),
    ("发文字号: 常政发〔2021〕7号", True),
    ("发布机构：许昌市人民政府", True),
    ("成文日期：2020-04-24", True),
    ("发布日期：2020-04-26", True),
    ("浏览次数：1234", False),
    ("索 引 号：11411000005747431D/2020-00087", False),
])
def test_metadata_lines_are_furniture_kept_for_the_header(line, kept):
    assert is_furniture(line)  # not policy text either way
    assert is_metadata(line) is kept
