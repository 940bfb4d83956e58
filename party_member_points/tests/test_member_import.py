import io
from datetime import date

import xlsxwriter

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from ..models.party_member import id_number_check_char, parse_id_number
from .common import PartyRegisterCase
from .test_integrity import load_zh_cn

TEMPLATE = "party_member_points/static/xls/party_member_import_template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what each column of the template must be matched to by Odoo's import, in any UI language
TEMPLATE_FIELDS = {
    "姓名": "name", "性别": "gender", "民族": "ethnicity", "身份证号": "identification_id", "出生日期": "birth_date",
    "籍贯": "native_place", "学历": "education", "党员类型": "stage", "入党日期": "join_date",
    "转正日期": "full_member_date", "所在党支部": "organization_id", "工作单位及职务": "work_unit",
    "联系电话": "phone", "家庭住址": "address",
}
OPTIONS = {"has_headers": True, "date_format": "%Y-%m-%d", "datetime_format": "", "quoting": '"',
           "separator": ",", "float_thousand_separator": ",", "float_decimal_separator": ".",
           "import_skip_records": [], "import_set_empty_fields": [], "fallback_values": {},
           "name_create_enabled_fields": {}, "advanced": False, "keep_matches": False, "sheet": ""}


def xlsx(headers, rows):
    """An XLSX file with one header row and ``rows`` (dates as real spreadsheet dates)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers)
    for row, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(row, col, value, day)
            elif value:
                sheet.write_string(row, col, value)
    workbook.close()
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestIdNumber(PartyRegisterCase):
    """GB 11643-1999 citizen identity numbers on the member register."""

    def test_check_character(self):
        self.assertEqual(id_number_check_char("11010519491231002"), "X")
        self.assertEqual(id_number_check_char("33010219780312051"), "3")
        self.assertEqual(parse_id_number("11010519491231002x"), (date(1949, 12, 31), "female"))
        self.assertEqual(parse_id_number(" 330102 19780312 0513"), (date(1978, 3, 12), "male"))
        for number, reason in (("33010219780312051", "format"), ("3301021978031205A3", "format"),
                               ("330102197803120514", "checksum"), ("330102197802300512", "birth_date")):
            with self.assertRaises(ValueError, msg=number) as caught:
                parse_id_number(number)
            self.assertEqual(caught.exception.args[0], reason, number)
        self.assertFalse(self.Member._is_valid_id_number("330102197802300512"), "30 February")

    def test_birth_date_and_gender_derived_and_checked(self):
        Member = self.Member.with_user(self.user_secretary)
        member = self._member("Derived", identification_id="11010519491231002x")
        self.assertEqual((member.identification_id, member.birth_date, member.gender),
                         ("11010519491231002X", date(1949, 12, 31), "female"))
        with self.assertRaises(ValidationError, msg="birth date contradicting the ID number"):
            self._member("Wrong birth", identification_id="330102197803120513", birth_date="1978-03-13")
        with self.assertRaises(ValidationError, msg="gender contradicting the ID number"):
            self._member("Wrong gender", identification_id="330102197803120513", gender="female")
        # an ID number entered later fills the empty birth date and keeps the gender entered
        later = Member.create({"name": "Later", "organization_id": self.branch.id, "gender": "male"})
        later.identification_id = "330102197803120513"
        self.assertEqual((later.birth_date, later.gender), (date(1978, 3, 12), "male"))
        with self.assertRaises(ValidationError):
            later.identification_id = "330102199008250625"  # a woman born in 1990
        self.assertEqual(later.identification_id, "330102197803120513")

    def test_duplicates_refused_per_company(self):
        self._member("First", identification_id="330102197206041227")
        with self.assertRaises(ValidationError, msg="same company, other branch"):
            self._member("Second", org=self.other_branch, identification_id="330102197206041227")
        with self.assertRaises(ValidationError, msg="two new records of one batch"):
            self.Member.create([
                dict(name=name, organization_id=self.branch.id, identification_id="330102199008250625")
                for name in ("Twin A", "Twin B")])
        company_b = self.env["res.company"].create({"name": "Other County"})
        branch_b = self.env["party.organization"].create({"name": "Other County Branch", "kind": "branch",
                                                          "company_id": company_b.id})
        elsewhere = self._member("Elsewhere", org=branch_b, identification_id="330102197206041227")
        self.assertEqual(elsewhere.company_id, company_b, "another company keeps its own register")


@tagged("post_install", "-at_install")
class TestMemberImport(PartyRegisterCase):
    """Members imported through Odoo's own import (base_import) from the national system's columns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_zh_cn(cls.env)
        cls.user_secretary.lang = "zh_CN"
        cls.existing = cls._member("已登记党员", org=cls.other_branch, identification_id="330102197206041227")
        with file_open(TEMPLATE, "rb") as template:
            cls.template = template.read()

    def _importer(self, content, user=None):
        # as the web client calls it: as the user, in the user's language
        user = user or self.user_secretary
        return self.env["base_import.import"].with_user(user).with_context(lang=user.lang).create({
            "res_model": "party.member", "file": content, "file_name": "党员.xlsx", "file_type": XLSX})

    def _preview(self, importer):
        preview = importer.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        fields = [(preview["matches"].get(index) or [False])[0] for index in range(len(preview["headers"]))]
        return preview["headers"], fields

    def test_template_offered_and_columns_recognised(self):
        templates = self.env["party.member"].get_import_templates()
        self.assertEqual(templates[0]["template"], "/" + TEMPLATE)
        for lang in ("zh_CN", "en_US"):
            headers, fields = self._preview(self._importer(self.template).with_context(lang=lang))
            self.assertEqual(dict(zip(headers, fields)), TEMPLATE_FIELDS, lang)
        # the template's example rows import as they are (into the demo branch they name)
        importer = self._importer(self.template, user=self.env.ref("base.user_admin"))
        headers, fields = self._preview(importer)
        result = importer.execute_import(fields, headers, dict(OPTIONS), dryrun=True)
        self.assertEqual(result["messages"], [])
        self.assertEqual(len(result["ids"]), 2)

    def _rows(self):
        org = self.branch.name
        good = [
            ["赵建华", "男", "汉族", "330102197803120513", date(1978, 3, 12), "大学本科", "正式党员",
             date(2005, 7, 1), date(2006, 7, 1), org, "村委会 主任", "13800000011"],
            ["钱秀兰", "", "回族", "11010519491231002x", None, "初中", "正式党员",
             date(1970, 7, 1), date(1971, 7, 1), org, "", ""],
        ]
        bad = [
            ["孙某", "男", "汉族", "330102198511110036", None, "高中", "正式党员",
             date(2008, 7, 1), date(2009, 7, 1), org, "", ""],
            ["李不符", "男", "汉族", "330102198511110035", date(1985, 11, 12), "高中", "正式党员",
             date(2008, 7, 1), date(2009, 7, 1), org, "", ""],
            ["周重复", "女", "汉族", "330102197206041227", None, "高中", "正式党员",
             date(1998, 7, 1), date(1999, 7, 1), org, "", ""],
            ["吴无支部", "女", "汉族", "330102199008250625", None, "高中", "正式党员",
             date(2012, 7, 1), date(2013, 7, 1), "不存在的党支部", "", ""],
        ]
        return good, bad

    HEADERS = ["姓名", "性别", "民族", "身份证号", "出生日期", "学历", "党员类型", "入党日期", "转正日期", "所在党支部",
               "工作单位及职务", "联系电话"]

    def _import(self, rows, dryrun):
        importer = self._importer(xlsx(self.HEADERS, rows))
        headers, fields = self._preview(importer)
        self.assertTrue(all(fields), dict(zip(headers, fields)))
        with mute_logger("odoo.sql_db", "odoo.addons.base_import.models.base_import"):
            return importer.execute_import(fields, headers, dict(OPTIONS), dryrun=dryrun)

    def _count(self):
        return self.Member.search_count([("company_id", "=", self.branch.company_id.id)])

    def test_import_good_and_bad_rows(self):
        good, bad = self._rows()
        before = self._count()
        for dryrun in (True, False):
            result = self._import(good + bad, dryrun)
            self.assertFalse(result["ids"], "an import with errors saves nothing")
            self.assertEqual(self._count(), before, f"dryrun={dryrun}: nothing saved")
            messages = {}
            for message in result["messages"]:
                messages.setdefault(message["rows"]["from"], []).append(message["message"])
            messages = {row: "\n".join(texts) for row, texts in messages.items()}
            # what the import dialog shows next to each bad row (rows counted from 0 after the header)
            self.assertNotIn(0, messages)
            self.assertNotIn(1, messages)
            self.assertIn("孙某", messages[2])
            self.assertIn("校验", messages[2], "the wrong check character is named")
            self.assertIn("330102198511110035", messages[3])
            self.assertIn("出生日期", messages[3])
            self.assertIn("330102197206041227", messages[4])
            self.assertIn("已有", messages[4])
            self.assertIn("不存在的党支部", messages[5], "the branch that was not found is named")
            self.assertEqual(set(messages), {2, 3, 4, 5})

        result = self._import(good, dryrun=True)
        self.assertEqual(result["messages"], [])
        self.assertEqual(self._count(), before, "a test import saves nothing")
        result = self._import(good, dryrun=False)
        self.assertEqual(result["messages"], [])
        members = self.Member.browse(result["ids"])
        self.assertEqual(members.mapped("name"), ["赵建华", "钱秀兰"])
        first, second = members
        self.assertEqual((first.gender, first.birth_date, first.stage, first.education, first.organization_id),
                         ("male", date(1978, 3, 12), "full", "bachelor", self.branch))
        self.assertEqual((first.work_unit, first.phone, first.join_date, first.full_member_date),
                         ("村委会 主任", "13800000011", date(2005, 7, 1), date(2006, 7, 1)))
        self.assertEqual((second.identification_id, second.gender, second.birth_date, second.ethnicity),
                         ("11010519491231002X", "female", date(1949, 12, 31), "回族"),
                         "birth date and gender read from the ID number")
        # the same file again: every row is now a duplicate
        result = self._import(good, dryrun=True)
        self.assertFalse(result["ids"])
        self.assertEqual(len(result["messages"]), 2, result["messages"])
