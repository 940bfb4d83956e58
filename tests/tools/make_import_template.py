#!/usr/bin/env python3
"""Build the member import template offered by the member list (Import → Import Template for Party Members).

    python3 tests/tools/make_import_template.py

writes party_member_points/static/xls/party_member_import_template.xlsx (committed). Its columns are those of
the national party member information system (全国党员管理信息系统); the addon's
data/party_member_import_mapping.xml maps each of them to a field of party.member, so that Odoo's import
recognises them whatever the user's language. Re-run it after changing COLUMNS and commit the file.
"""
import datetime
import pathlib

import xlsxwriter

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = ROOT / "party_member_points" / "static" / "xls" / "party_member_import_template.xlsx"

# (header, width, kind, note shown on the header cell)
COLUMNS = [
    ("姓名", 10, "text", "必填。"),
    ("性别", 6, "choice", "男 / 女。留空时由身份证号得出。"),
    ("民族", 8, "text", "如：汉族。"),
    ("身份证号", 21, "text", "18位公民身份号码（GB 11643），末位可为X；校验位错误、与出生日期或性别不符、"
                           "同一单位内重复的行不会导入。"),
    ("出生日期", 12, "date", "留空时由身份证号得出。"),
    ("籍贯", 12, "text", ""),
    ("学历", 12, "choice", "小学 / 初中 / 高中 / 中专 / 大学专科 / 大学本科 / 硕士研究生 / 博士研究生。"),
    ("党员类型", 10, "choice", "正式党员 / 预备党员（也可为 入党申请人 / 入党积极分子 / 发展对象）。"),
    ("入党日期", 12, "date", "正式党员、预备党员必填。"),
    ("转正日期", 12, "date", "正式党员必填。"),
    ("所在党支部", 22, "text", "必填，与系统中党组织名称完全一致。"),
    ("工作单位及职务", 24, "text", ""),
    ("联系电话", 14, "text", ""),
    ("家庭住址", 22, "text", ""),
]
CHOICES = {
    "性别": ["男", "女"],
    "学历": ["小学", "初中", "高中", "中专", "大学专科", "大学本科", "硕士研究生", "博士研究生"],
    "党员类型": ["正式党员", "预备党员", "入党申请人", "入党积极分子", "发展对象"],
}
# Example rows (fictitious people; the ID numbers carry a correct check character).
EXAMPLES = [
    ["王晓明", "男", "汉族", "330102197803120513", datetime.date(1978, 3, 12), "浙江杭州", "大学本科", "正式党员",
     datetime.date(2005, 7, 1), datetime.date(2006, 7, 1), "东山村党支部", "东山村村民委员会 主任", "13800000001",
     "东山村1组"],
    ["李秀英", "", "汉族", "330102199008250625", None, "浙江杭州", "高中", "正式党员",
     datetime.date(2015, 6, 20), datetime.date(2016, 6, 20), "东山村党支部", "东山村村民委员会 会计", "13800000002",
     "东山村3组"],
]


def build(target=TARGET):
    """Write the template to ``target`` (same bytes for the same content: fixed document dates)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(target))
    workbook.set_properties({"title": "党员信息导入模板", "created": datetime.datetime(2026, 1, 1)})
    header = workbook.add_format({"bold": True, "bg_color": "#C00000", "font_color": "#FFFFFF", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("党员信息")
    for col, (title, width, kind, note) in enumerate(COLUMNS):
        sheet.set_column(col, col, width, day if kind == "date" else text)
        sheet.write_string(0, col, title, header)
        if note:
            sheet.write_comment(0, col, note, {"x_scale": 2})
        if kind == "choice":
            sheet.data_validation(1, col, 2000, col, {"validate": "list", "source": CHOICES[title]})
    for row, values in enumerate(EXAMPLES, start=1):
        for col, value in enumerate(values):
            if isinstance(value, datetime.date):
                sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()), day)
            elif value:
                sheet.write_string(row, col, value, text)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return target


if __name__ == "__main__":
    print(build())
