from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.party_member_points.tools.bulk import (copy_column, copy_rows, float_array, insert_unnest, int_array,
                                                        text_array)

# texts that the text format of COPY and the text of an array must carry as they are
AWKWARD = ["plain", "", "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", 'double "quotes"',
           "{braces, commas}", "NULL", "\\N", "  spaces  ", "王五 & <b>六</b>", "'single'"]


@tagged("post_install", "-at_install")
class TestBulkTools(TransactionCase):
    """The bulk writers of the year's computation and of the ledger (COPY, arrays sent as text) carry every value
    as it is: NULLs, escapes, quotes and braces included."""

    def setUp(self):
        super().setUp()
        self.env.cr.execute("CREATE TEMPORARY TABLE party_bulk_probe (id int, n float8, i int, b bool, t varchar, "
                            "j jsonb) ON COMMIT DROP")

    def _read(self):
        self.env.cr.execute("SELECT id, n, i, b, t, j FROM party_bulk_probe ORDER BY id")
        return self.env.cr.fetchall()

    def test_copy_rows_round_trip(self):
        rows = []
        for index, text in enumerate(AWKWARD + [None, False]):
            rows.append({"id": index, "n": [1.5, None, False, 0.0, -2.25, 1e-7][index % 6],
                         "i": [7, None, 0, False][index % 4], "b": [True, False, None][index % 3], "t": text,
                         "j": [{"k": text or ""}, [[1, 2.5, 20.0, 12.5]], None, ["a\\b", "c\td"]][index % 4]})
        copy_rows(self.env.cr, "party_bulk_probe", {"id": "number", "n": "number", "i": "number", "b": "bool",
                                                    "t": "text", "j": "json"}, rows, chunk_size=4)
        expected = [(row["id"], None if row["n"] is None or row["n"] is False else row["n"],
                     None if row["i"] is None or row["i"] is False else row["i"], row["b"],
                     None if row["t"] is None or row["t"] is False else row["t"], row["j"]) for row in rows]
        self.assertEqual(self._read(), expected)

    def test_copy_column_kinds(self):
        self.assertEqual(copy_column([1, None, 2.5, False, 0], "number"), ["1", "\\N", "2.5", "\\N", "0"])
        self.assertEqual(copy_column(["a\tb", None, False, "a\tb"], "text"), ["a\\tb", "\\N", "\\N", "a\\tb"])
        self.assertEqual(copy_column([None, [1, 2], {"a": "x\\y"}], "json"),
                         ["\\N", "[1, 2]", '{"a": "x\\\\\\\\y"}'])
        self.assertEqual(copy_column([0, False, 1, True, date(2026, 1, 2)], "text"),
                         ["0", "\\N", "1", "True", "2026-01-02"], "False is NULL, 0 is 0")
        self.assertEqual(copy_column([True, False, None], "bool"), ["t", "f", "\\N"])
        with self.assertRaises(ValueError):
            copy_column([1], "date")

    def test_arrays_sent_as_text(self):
        cr = self.env.cr
        cr.execute(SQL("SELECT %s::int[], %s::float8[], %s::text[], %s::date[]",
                       int_array([3, None, 1, False, 0]), float_array([1.5, None, -0.1, 1e300]),
                       text_array(AWKWARD + [None, False]), text_array([date(2026, 12, 31), None])))
        ints, floats, texts, dates = cr.fetchone()
        self.assertEqual(ints, [3, None, 1, None, 0])
        self.assertEqual(floats, [1.5, None, -0.1, 1e300])
        self.assertEqual(texts, AWKWARD + [None, None])
        self.assertEqual(dates, [date(2026, 12, 31), None])
        self.assertEqual(int_array([]), "{}")
        with self.assertRaises(ValueError, msg="only integers in an integer array"):
            int_array(["1}, {2"])
        cr.execute(SQL("SELECT count(*) FROM res_users WHERE id = ANY(%s::int[])", int_array(self.env.user.ids)))
        self.assertEqual(cr.fetchone()[0], 1)

    def test_insert_unnest_round_trip(self):
        texts = AWKWARD + [None]
        ids = insert_unnest(self.env.cr, "party_bulk_probe", {
            "id": ("int4", list(range(len(texts)))),
            "t": ("varchar", texts),
            "n": ("float8", [index / 3 for index in range(len(texts))]),
        }, {"b": True}, returning="id")
        self.assertEqual(ids, list(range(len(texts))))
        self.assertEqual([(row[0], row[1], row[3], row[4]) for row in self._read()],
                         [(index, index / 3, True, text) for index, text in enumerate(texts)])
