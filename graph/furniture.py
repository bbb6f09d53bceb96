"""Recognize page furniture of saved government web pages.

Navigation bars, view counters, QR-code prompts and previous/next links are
not policy text. They are recognized line by line so that the rest of the
text keeps its offsets.
"""

from __future__ import annotations

import re

# Lines that are furniture as a whole.
_FURNITURE = re.compile(
    r"""^\s*(?:
        您当前的位置.* | 当前位置.* | 首页\s*(?:\||>>|>|»).* | .*\|\s*政务服务\s*$ |
        前往新网站 | 浏览次数.* | 次阅读 | 阅读次数.* | 点击数.* | 访问量.* |
        扫一扫在手机打开当前页 | 扫一扫.* | 分享到.* | 打印本页 | 【?打印】? | 关闭窗口 | 【?关闭】? |
        上一篇.* | 下一篇.* | 相关链接.* | 责任编辑.* | 来源[:：].{0,30} |
        【?字体[:：]?.{0,12} | 字号.{0,12} |
        信息名称[:：].* | 索\s*引\s*号[:：].* | 法定主动公开分类[:：].* | 主题分类[:：].* |
        文件编号[:：].* | 发文字号[:：].* | 生成日期[:：].* | 成文日期[:：].* | 发布日期[:：].* |
        公开日期[:：].* | 废止日期[:：].* | 内容概述[:：].* | 发布机构[:：].* |
        [(（]此件.{0,10}公开[)）] |
        \d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*
    )\s*$""",
    re.VERBOSE,
)

# Metadata lines kept for the header (文件编号 holds the 文号 on such pages).
_META = re.compile(r"^\s*(文件编号|发文字号|发布机构|成文日期|发布日期)[:：]")


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def is_metadata(line: str) -> bool:
    return bool(_META.match(line))
